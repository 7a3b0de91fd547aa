package io.mailflow.scoring;

/**
 * Everything FTRL-Proximal needs to continue exactly where it stopped: the per-coordinate
 * accumulators and the counters. The last coordinate of {@code z} and {@code n} is the intercept.
 *
 * @param version number of models published so far (the version of the latest one)
 * @param examples number of examples learned from
 * @param z FTRL's {@code z}: sum of gradients minus the proximal shifts
 * @param n sum of squared gradients per coordinate (drives the per-coordinate learning rate)
 */
public record FtrlState(long version, long examples, double[] z, double[] n) {
    public static FtrlState initial(int features) {
        return new FtrlState(0, 0, new double[features + 1], new double[features + 1]);
    }

    public int features() {
        return z.length - 1;
    }
}
