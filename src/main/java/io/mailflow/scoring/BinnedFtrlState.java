package io.mailflow.scoring;

/**
 * Everything {@link BinnedFtrl} needs to continue exactly where it stopped.
 *
 * @param examples examples learned from
 * @param z FTRL's {@code z} per hashed coordinate; the last one is the intercept
 * @param n sum of squared gradients per hashed coordinate; the last one is the intercept
 * @param sketches one quantile sketch per numeric feature
 * @param edges current bin edges per numeric feature ({@code bins - 1} ascending values; empty before the first
 *     refresh)
 * @param calibration the calibration layer's state; null when the settings have none
 */
public record BinnedFtrlState(
        long examples,
        double[] z,
        double[] n,
        QuantileSketchState[] sketches,
        double[][] edges,
        PlattState calibration) {}
