package io.mailflow.privacy;

/**
 * How much noise one release gets, and what it costs. A release publishes {@code m} figures, figure
 * {@code i} with sensitivity {@code Δ_i} (the most one user can change it, enforced by clipping each
 * user's contribution before summing). The release's privacy loss is split evenly over the figures.
 *
 * <ul>
 *   <li>Laplace: each figure gets discrete Laplace noise of scale {@code t_i = m·Δ_i/ε}; by basic
 *       composition the release is {@code ε}-DP, and costs {@code ε}.
 *   <li>Gaussian: the release is calibrated to {@code ρ} with {@code ρ + 2·sqrt(ρ·ln(1/δ)) = ε} (the
 *       zCDP-to-(ε, δ) conversion of Bun and Steinke 2016, Prop. 1.3); each figure gets discrete Gaussian
 *       noise with {@code σ_i² = m·Δ_i²/(2ρ)}, so the figures' {@code Δ_i²/(2σ_i²)} add up to {@code ρ}
 *       (Canonne, Kamath and Steinke 2020, Thm. 4). It costs {@code ρ}.
 * </ul>
 *
 * Scales are rounded <em>up</em> to a multiple of 1/1000 ({@link Rational#ceil}): a little more noise,
 * never less. Flink-free; the floating point here only picks parameters, it never touches a sample.
 */
public record Calibration(NoiseMechanism mechanism, double epsilon, double delta, Rational[] scales, double cost) {
    static final long SCALE_DENOMINATOR = 1000;

    /**
     * @param epsilon the privacy loss of one release (all its figures together)
     * @param delta the campaign's delta (used by the Gaussian mechanism only)
     * @param sensitivities the largest change one user can make to each figure (at least 1)
     */
    public static Calibration of(NoiseMechanism mechanism, double epsilon, double delta, long... sensitivities) {
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be positive and finite");
        }
        int m = sensitivities.length;
        Rational[] scales = new Rational[m];
        if (mechanism == NoiseMechanism.LAPLACE) {
            for (int i = 0; i < m; i++) {
                scales[i] = Rational.ceil(m * (double) positive(sensitivities[i]) / epsilon, SCALE_DENOMINATOR);
            }
            return new Calibration(mechanism, epsilon, 0.0, scales, epsilon);
        }
        double rho = rhoFor(epsilon, delta);
        for (int i = 0; i < m; i++) {
            double d = positive(sensitivities[i]);
            scales[i] = Rational.ceil(m * d * d / (2 * rho), SCALE_DENOMINATOR);
        }
        return new Calibration(mechanism, epsilon, delta, scales, rho);
    }

    /** The largest rho whose (epsilon, delta) conversion is at most {@code epsilon}. */
    public static double rhoFor(double epsilon, double delta) {
        checkDelta(delta);
        double l = Math.log(1 / delta);
        double root = Math.sqrt(l + epsilon) - Math.sqrt(l);
        return root * root;
    }

    /** The epsilon that rho-zCDP guarantees at {@code delta}. */
    public static double epsilonOf(double rho, double delta) {
        checkDelta(delta);
        return rho + 2 * Math.sqrt(rho * Math.log(1 / delta));
    }

    /** One noise sample for figure {@code i}. */
    public long noise(ExactSampler sampler, int i) {
        return mechanism == NoiseMechanism.LAPLACE ? sampler.laplace(scales[i]) : sampler.gaussian(scales[i]);
    }

    private static long positive(long sensitivity) {
        if (sensitivity < 1) {
            throw new IllegalArgumentException("a sensitivity must be at least 1");
        }
        return sensitivity;
    }

    private static void checkDelta(double delta) {
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in (0, 1) for the Gaussian mechanism");
        }
    }
}
