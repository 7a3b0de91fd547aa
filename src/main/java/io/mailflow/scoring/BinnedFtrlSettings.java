package io.mailflow.scoring;

import java.io.Serializable;

/**
 * Settings of {@link BinnedFtrl}.
 *
 * @param numericFeatures number of numeric features
 * @param categoricalFeatures number of categorical features
 * @param bins quantile bins per numeric feature (plus one "missing" bin for non-finite values)
 * @param sketchCapacity capacity of each numeric feature's {@link QuantileSketch} (rank error ~ 1 / capacity)
 * @param refreshEvery bin edges are recomputed after example 1, 2, 4, ... up to this count, then every this many
 * @param hashBits the model has {@code 2^hashBits} hashed coordinates plus an intercept (fixed memory)
 * @param crossCategorical cross every pair of features (true) or only pairs of numeric features (false)
 * @param alpha FTRL learning rate scale (per-coordinate rate {@code alpha / (beta + sqrt(n_i))})
 * @param beta FTRL learning rate smoothing
 * @param l1 L1 strength (sparsity); not applied to the intercept
 * @param l2 L2 strength; not applied to the intercept
 * @param calibrationWindow progressive margins a {@link PlattCalibrator} refits on (at every bin refresh); 0: no
 *     calibration layer, scores are the raw {@code sigmoid(margin)}
 */
public record BinnedFtrlSettings(
        int numericFeatures,
        int categoricalFeatures,
        int bins,
        int sketchCapacity,
        int refreshEvery,
        int hashBits,
        boolean crossCategorical,
        double alpha,
        double beta,
        double l1,
        double l2,
        int calibrationWindow)
        implements Serializable {

    public BinnedFtrlSettings {
        if (numericFeatures < 0 || categoricalFeatures < 0 || numericFeatures + categoricalFeatures == 0) {
            throw new IllegalArgumentException("need at least one feature");
        }
        if (bins < 2 || bins > 1024) {
            throw new IllegalArgumentException("bins must be in [2, 1024]");
        }
        if (refreshEvery < 1) {
            throw new IllegalArgumentException("refreshEvery must be positive");
        }
        if (hashBits < 4 || hashBits > 26) {
            throw new IllegalArgumentException("hashBits must be in [4, 26]");
        }
        if (!(alpha > 0)
                || !Double.isFinite(alpha)
                || !(beta >= 0)
                || !(l1 >= 0)
                || !(l2 >= 0)
                || !Double.isFinite(beta)
                || !Double.isFinite(l1)
                || !Double.isFinite(l2)) {
            throw new IllegalArgumentException("need finite alpha > 0 and beta, l1, l2 >= 0");
        }
        if (calibrationWindow != 0 && calibrationWindow < PlattCalibrator.MIN_EXAMPLES) {
            throw new IllegalArgumentException(
                    "calibrationWindow must be 0 or at least " + PlattCalibrator.MIN_EXAMPLES);
        }
        new QuantileSketch(sketchCapacity); // validates the capacity
    }

    /**
     * Defaults for a small tabular problem: 16 bins, sketches of 256, 2^18 coordinates, all pairs crossed, a
     * calibration layer over the last 2,048 progressive margins.
     */
    public static BinnedFtrlSettings defaults(int numericFeatures, int categoricalFeatures) {
        return new BinnedFtrlSettings(
                numericFeatures, categoricalFeatures, 16, 256, 1024, 18, true, 0.1, 1.0, 0.0, 1.0, 2048);
    }

    public BinnedFtrlSettings withRegularization(double alpha, double l1, double l2) {
        return new BinnedFtrlSettings(
                numericFeatures,
                categoricalFeatures,
                bins,
                sketchCapacity,
                refreshEvery,
                hashBits,
                crossCategorical,
                alpha,
                beta,
                l1,
                l2,
                calibrationWindow);
    }

    public BinnedFtrlSettings withBins(int bins) {
        return new BinnedFtrlSettings(
                numericFeatures,
                categoricalFeatures,
                bins,
                sketchCapacity,
                refreshEvery,
                hashBits,
                crossCategorical,
                alpha,
                beta,
                l1,
                l2,
                calibrationWindow);
    }

    public BinnedFtrlSettings withCrossCategorical(boolean crossCategorical) {
        return new BinnedFtrlSettings(
                numericFeatures,
                categoricalFeatures,
                bins,
                sketchCapacity,
                refreshEvery,
                hashBits,
                crossCategorical,
                alpha,
                beta,
                l1,
                l2,
                calibrationWindow);
    }

    public BinnedFtrlSettings withBeta(double beta) {
        return new BinnedFtrlSettings(
                numericFeatures,
                categoricalFeatures,
                bins,
                sketchCapacity,
                refreshEvery,
                hashBits,
                crossCategorical,
                alpha,
                beta,
                l1,
                l2,
                calibrationWindow);
    }

    public BinnedFtrlSettings withCalibrationWindow(int calibrationWindow) {
        return new BinnedFtrlSettings(
                numericFeatures,
                categoricalFeatures,
                bins,
                sketchCapacity,
                refreshEvery,
                hashBits,
                crossCategorical,
                alpha,
                beta,
                l1,
                l2,
                calibrationWindow);
    }
}
