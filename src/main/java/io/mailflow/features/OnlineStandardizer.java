package io.mailflow.features;

/**
 * Running per-dimension mean and variance (Welford's algorithm) and z-scores against them.
 *
 * <p>Welford rather than sums of squares because the naive formula cancels catastrophically once
 * counts are large. States of several parallel instances combine with Chan et al.'s pairwise
 * formula ({@link #merge}), which is what a restore at a different parallelism needs.
 *
 * <p>Poison-proof: an observation that is not a finite vector of the state's size within
 * {@link #MAX_ABS} leaves the state unchanged (a NaN or infinity once in the mean stays there for
 * good, checkpoint after checkpoint), and z-scores are finite and clamped to {@link FeatureVector#MAX_Z}.
 */
public final class OnlineStandardizer {
    /** Dimensions with less spread than this are passed through centred but unscaled (no blow-up on constants). */
    static final double MIN_STD = 1e-9;
    /**
     * Largest magnitude observed: squares of differences stay far from overflowing. (The feature operator
     * applies the much tighter {@link FeatureVector#MAX_ABS} before anything gets here.)
     */
    public static final double MAX_ABS = 1e100;

    private OnlineStandardizer() {}

    public static StandardizerState empty(int dims) {
        return new StandardizerState(0, new double[dims], new double[dims]);
    }

    /** The state after observing {@code x}. */
    public static StandardizerState update(StandardizerState s, double[] x) {
        if (!FeatureVector.finiteWithin(x, s.mean().length, MAX_ABS)) {
            return s;
        }
        long n = s.count() + 1;
        double[] mean = s.mean().clone();
        double[] m2 = s.m2().clone();
        for (int i = 0; i < x.length; i++) {
            double delta = x[i] - mean[i];
            mean[i] += delta / n;
            m2[i] += delta * (x[i] - mean[i]);
        }
        return new StandardizerState(n, mean, m2);
    }

    /** Population variance per dimension (0 before two observations). */
    public static double[] variance(StandardizerState s) {
        double[] v = new double[s.mean().length];
        for (int i = 0; i < v.length; i++) {
            v[i] = s.count() < 2 ? 0 : s.m2()[i] / s.count();
        }
        return v;
    }

    /** {@code (x - mean) / std} per dimension. */
    public static double[] standardize(StandardizerState s, double[] x) {
        double[] var = variance(s);
        double[] z = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double std = Math.sqrt(var[i]);
            double zi = (x[i] - s.mean()[i]) / (std < MIN_STD ? 1.0 : std);
            z[i] = Double.isNaN(zi) ? 0.0 : Math.max(-FeatureVector.MAX_Z, Math.min(FeatureVector.MAX_Z, zi));
        }
        return z;
    }

    /** True when every accumulator is finite (a state restored from a poisoned checkpoint is not). */
    public static boolean healthy(StandardizerState s) {
        if (s == null || s.count() < 0) {
            return false;
        }
        for (int i = 0; i < s.mean().length; i++) {
            if (!Double.isFinite(s.mean()[i]) || !Double.isFinite(s.m2()[i]) || s.m2()[i] < 0) {
                return false;
            }
        }
        return s.m2().length == s.mean().length;
    }

    /** The state of the union of two sample sets (Chan, Golub and LeVeque). */
    public static StandardizerState merge(StandardizerState a, StandardizerState b) {
        if (a.count() == 0) {
            return b;
        }
        if (b.count() == 0) {
            return a;
        }
        long n = a.count() + b.count();
        double[] mean = new double[a.mean().length];
        double[] m2 = new double[mean.length];
        for (int i = 0; i < mean.length; i++) {
            double delta = b.mean()[i] - a.mean()[i];
            mean[i] = a.mean()[i] + delta * b.count() / n;
            m2[i] = a.m2()[i] + b.m2()[i] + delta * delta * a.count() * (double) b.count() / n;
        }
        return new StandardizerState(n, mean, m2);
    }
}
