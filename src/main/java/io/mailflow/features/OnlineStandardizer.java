package io.mailflow.features;

/**
 * Running per-dimension mean and variance (Welford's algorithm) and z-scores against them.
 *
 * <p>Welford rather than sums of squares because the naive formula cancels catastrophically once
 * counts are large. States of several parallel instances combine with Chan et al.'s pairwise
 * formula ({@link #merge}), which is what a restore at a different parallelism needs.
 */
public final class OnlineStandardizer {
    /** Dimensions with less spread than this are passed through centred but unscaled (no blow-up on constants). */
    static final double MIN_STD = 1e-9;

    private OnlineStandardizer() {}

    public static StandardizerState empty(int dims) {
        return new StandardizerState(0, new double[dims], new double[dims]);
    }

    /** The state after observing {@code x}. */
    public static StandardizerState update(StandardizerState s, double[] x) {
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
            z[i] = (x[i] - s.mean()[i]) / (std < MIN_STD ? 1.0 : std);
        }
        return z;
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
