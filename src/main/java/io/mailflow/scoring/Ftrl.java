package io.mailflow.scoring;

import java.io.Serializable;
import java.util.Arrays;

/**
 * FTRL-Proximal online logistic regression (McMahan et al., "Ad Click Prediction: a View from the
 * Trenches", KDD 2013, Algorithm 1), per coordinate {@code i}:
 *
 * <pre>
 *   w_i = 0                                                  if |z_i| <= l1
 *       = -(z_i - sgn(z_i) l1) / ((beta + sqrt(n_i)) / alpha + l2)   otherwise
 *   p   = sigmoid(w . x)
 *   g_i = weight * (p - y) * x_i
 *   s_i = (sqrt(n_i + g_i^2) - sqrt(n_i)) / alpha
 *   z_i = z_i + g_i - s_i w_i
 *   n_i = n_i + g_i^2
 * </pre>
 *
 * Fixes over Flink ML's OnlineLogisticRegression: an intercept (the last coordinate, on a constant-1
 * feature, exempt from L1/L2 because shrinking the base rate towards 50% only biases every score)
 * and the sample weight scales the gradient rather than being ignored.
 *
 * <p>Poison-proof: an example with a non-finite or out-of-range feature ({@link #MAX_ABS_FEATURE}), a label
 * other than 0 or 1, or a weight that is not finite and positive leaves the state unchanged, as does an update
 * whose result would not be finite; predictions are always in [0, 1].
 */
public final class Ftrl implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Largest feature magnitude learned from (standardized features are clamped far below it). */
    public static final double MAX_ABS_FEATURE = 1e6;

    private final double alpha;
    private final double beta;
    private final double l1;
    private final double l2;

    public Ftrl(double alpha, double beta, double l1, double l2) {
        if (!(alpha > 0) || beta < 0 || l1 < 0 || l2 < 0) {
            throw new IllegalArgumentException("need alpha > 0 and beta, l1, l2 >= 0");
        }
        this.alpha = alpha;
        this.beta = beta;
        this.l1 = l1;
        this.l2 = l2;
    }

    /** The current weights; the last one is the intercept. */
    public double[] weights(FtrlState s) {
        double[] w = new double[s.z().length];
        int intercept = w.length - 1;
        for (int i = 0; i < w.length; i++) {
            double regL1 = i == intercept ? 0 : l1;
            double regL2 = i == intercept ? 0 : l2;
            double z = s.z()[i];
            w[i] = Math.abs(z) <= regL1
                    ? 0
                    : -(z - Math.signum(z) * regL1) / ((beta + Math.sqrt(s.n()[i])) / alpha + regL2);
        }
        return w;
    }

    /** {@code sigmoid(w . x + b)} for weights as returned by {@link #weights}. */
    public static double predict(double[] weights, double[] x) {
        double margin = weights[weights.length - 1];
        for (int i = 0; i < x.length; i++) {
            margin += weights[i] * x[i];
        }
        if (Double.isNaN(margin)) {
            return 0.5; // no information; cannot happen with guarded inputs and weights
        }
        return 1.0 / (1.0 + Math.exp(-Math.max(-700, Math.min(700, margin))));
    }

    /** The state after learning from one example with label {@code y} (0 or 1) and sample weight {@code weight}. */
    public FtrlState update(FtrlState s, double[] x, double y, double weight) {
        if (x.length != s.features()) {
            throw new IllegalArgumentException("expected " + s.features() + " features, got " + x.length);
        }
        if (!learnable(x, y, weight)) {
            return s;
        }
        double[] w = weights(s);
        double p = predict(w, x);
        double[] z = s.z().clone();
        double[] n = s.n().clone();
        for (int i = 0; i < z.length; i++) {
            double xi = i == x.length ? 1.0 : x[i];
            if (xi == 0) {
                continue; // zero gradient: nothing changes (keeps sparse inputs cheap)
            }
            double g = weight * (p - y) * xi;
            double sigma = (Math.sqrt(n[i] + g * g) - Math.sqrt(n[i])) / alpha;
            z[i] += g - sigma * w[i];
            n[i] += g * g;
        }
        for (int i = 0; i < z.length; i++) {
            if (!Double.isFinite(z[i]) || !Double.isFinite(n[i])) {
                return s;
            }
        }
        return new FtrlState(s.version(), s.examples() + 1, z, n);
    }

    /** True for an example FTRL may learn from: finite bounded features, a 0/1 label, a finite positive weight. */
    public static boolean learnable(double[] x, double y, double weight) {
        if (!(y == 0.0 || y == 1.0) || !(weight > 0) || !Double.isFinite(weight)) {
            return false;
        }
        for (double xi : x) {
            if (!(Math.abs(xi) <= MAX_ABS_FEATURE)) {
                return false;
            }
        }
        return true;
    }

    /** True when every accumulator is finite and every {@code n} non-negative. */
    public static boolean healthy(FtrlState s) {
        for (int i = 0; i < s.z().length; i++) {
            if (!Double.isFinite(s.z()[i]) || !(s.n()[i] >= 0) || !Double.isFinite(s.n()[i])) {
                return false;
            }
        }
        return s.n().length == s.z().length;
    }

    /** The model of state {@code s}, stamped with {@code s.version()}. */
    public LogRegModel model(FtrlState s) {
        double[] w = weights(s);
        return new LogRegModel(s.version(), Arrays.copyOf(w, w.length - 1), w[w.length - 1], s.examples());
    }
}
