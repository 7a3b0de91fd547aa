package io.mailflow.scoring;

/**
 * The published form of a {@link BinnedFtrl}: what a scorer needs to turn raw features into the learner's score.
 * Numeric features are binned by {@code edges}, every bin, category and pair is hashed to one of {@code
 * 2^hashBits} coordinates exactly as the learner does ({@link BinnedFtrl#coordinates}), and the score is {@code
 * sigmoid(calibrationSlope * margin + calibrationOffset)} with {@code margin = intercept + sum of the active
 * coordinates' weights} (slope 1 and offset 0 when the learner has no calibration layer or has not fitted it yet).
 *
 * @param numericFeatures number of numeric features
 * @param categoricalFeatures number of categorical features
 * @param bins quantile bins per numeric feature (plus the "missing" bin)
 * @param hashBits the coordinate space has {@code 2^hashBits} coordinates
 * @param crossCategorical whether categorical features take part in the pairwise crosses
 * @param edges bin edges per numeric feature ({@code bins - 1} ascending values, or none before the first refresh)
 * @param indices coordinates with a non-zero weight, ascending
 * @param weights their weights
 * @param intercept the bias
 * @param calibrationSlope Platt slope applied to the margin
 * @param calibrationOffset Platt offset
 */
public record BinnedModel(
        int numericFeatures,
        int categoricalFeatures,
        int bins,
        int hashBits,
        boolean crossCategorical,
        double[][] edges,
        int[] indices,
        double[] weights,
        double intercept,
        double calibrationSlope,
        double calibrationOffset) {

    /** Largest coordinate space a published model may declare (the learner's own bound). */
    public static final int MAX_HASH_BITS = 26;

    /**
     * The active coordinates of {@code x}, sorted and without duplicates, with their multiplicities: the sparse
     * one-hot vector the weights apply to (the intercept not included).
     */
    public Sparse sparse(MixedFeatures x) {
        int[] all = BinnedFtrl.coordinates(
                numericFeatures, categoricalFeatures, bins, hashBits, crossCategorical, edges, x);
        int[] unique = new int[all.length];
        double[] counts = new double[all.length];
        int m = 0;
        for (int k = 0; k < all.length; k++) {
            if (m > 0 && unique[m - 1] == all[k]) {
                counts[m - 1]++;
            } else {
                unique[m] = all[k];
                counts[m++] = 1;
            }
        }
        return new Sparse(java.util.Arrays.copyOf(unique, m), java.util.Arrays.copyOf(counts, m));
    }

    /** The calibrated probability of a raw margin, in [0, 1]. */
    public double calibrated(double margin) {
        double m = Double.isNaN(margin)
                ? 0
                : Math.max(-PlattCalibrator.MAX_MARGIN, Math.min(PlattCalibrator.MAX_MARGIN, margin));
        return BinnedFtrl.sigmoid(calibrationSlope * m + calibrationOffset);
    }

    /**
     * True for a model that can be applied safely: consistent dimensions, ascending in-range indices, finite
     * weights, edges and calibration. A model failing this is never compiled (the scorer keeps the previous one).
     */
    public boolean valid() {
        if (numericFeatures < 0
                || categoricalFeatures < 0
                || bins < 2
                || hashBits < 4
                || hashBits > MAX_HASH_BITS
                || edges == null
                || edges.length != numericFeatures
                || indices == null
                || weights == null
                || indices.length != weights.length
                || !Double.isFinite(intercept)
                || !Double.isFinite(calibrationSlope)
                || !Double.isFinite(calibrationOffset)) {
            return false;
        }
        for (double[] e : edges) {
            if (e == null || (e.length != 0 && e.length != bins - 1)) {
                return false;
            }
            for (int k = 0; k < e.length; k++) {
                if (!Double.isFinite(e[k]) || (k > 0 && e[k] < e[k - 1])) {
                    return false;
                }
            }
        }
        int size = 1 << hashBits;
        for (int k = 0; k < indices.length; k++) {
            if (indices[k] < 0 || indices[k] >= size || (k > 0 && indices[k] <= indices[k - 1])) {
                return false;
            }
            if (!Double.isFinite(weights[k])) {
                return false;
            }
        }
        return true;
    }

    /** A sparse vector: ascending coordinates and their values. */
    public record Sparse(int[] indices, double[] values) {}
}
