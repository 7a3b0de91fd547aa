package io.mailflow.scoring;

import java.util.ArrayList;
import java.util.List;

/**
 * Calibration of probability scores: reliability bins and the expected calibration error (ECE).
 *
 * <p>The score range [0, 1] is cut into {@code bins} equal-width bins ([0, 1/B), [1/B, 2/B), ..., [(B-1)/B, 1],
 * a score of exactly 1 in the last one). For each bin the mean score and the observed positive rate are
 * compared; {@code ECE = sum_b (n_b / N) |mean score_b - positive rate_b|}, 0 for a perfectly calibrated model
 * (Naeini et al. 2015; Guo et al. 2017). Empty bins contribute nothing.
 *
 * <p>Scores must be finite and in [0, 1], labels 0 or 1, otherwise an {@link IllegalArgumentException}:
 * a metric that silently skipped bad scores would hide exactly the failures it is meant to show.
 */
public final class Calibration {
    /** The bin count of the reports (the usual choice). */
    public static final int DEFAULT_BINS = 10;

    /**
     * One reliability bin.
     *
     * @param lower lower edge (inclusive)
     * @param upper upper edge (exclusive, inclusive for the last bin)
     * @param count scores in the bin
     * @param meanScore mean score in the bin (NaN when empty)
     * @param positiveRate share of positive labels in the bin (NaN when empty)
     */
    public record ReliabilityBin(double lower, double upper, long count, double meanScore, double positiveRate) {}

    private Calibration() {}

    /** The reliability diagram's bins, in score order; every bin is present, empty ones with NaN means. */
    public static List<ReliabilityBin> reliability(double[] scores, double[] labels, int bins) {
        check(scores, labels, bins);
        long[] counts = new long[bins];
        double[] scoreSums = new double[bins];
        double[] positives = new double[bins];
        for (int i = 0; i < scores.length; i++) {
            int b = bin(scores[i], bins);
            counts[b]++;
            scoreSums[b] += scores[i];
            positives[b] += labels[i];
        }
        List<ReliabilityBin> out = new ArrayList<>(bins);
        for (int b = 0; b < bins; b++) {
            out.add(new ReliabilityBin(
                    (double) b / bins,
                    (double) (b + 1) / bins,
                    counts[b],
                    counts[b] == 0 ? Double.NaN : scoreSums[b] / counts[b],
                    counts[b] == 0 ? Double.NaN : positives[b] / counts[b]));
        }
        return out;
    }

    /** Expected calibration error over {@code bins} equal-width bins; NaN for no scores. */
    public static double expectedCalibrationError(double[] scores, double[] labels, int bins) {
        List<ReliabilityBin> reliability = reliability(scores, labels, bins);
        if (scores.length == 0) {
            return Double.NaN;
        }
        double ece = 0;
        for (ReliabilityBin b : reliability) {
            if (b.count() > 0) {
                ece += (double) b.count() / scores.length * Math.abs(b.meanScore() - b.positiveRate());
            }
        }
        return ece;
    }

    /** {@link #expectedCalibrationError} with {@link #DEFAULT_BINS} bins. */
    public static double expectedCalibrationError(double[] scores, double[] labels) {
        return expectedCalibrationError(scores, labels, DEFAULT_BINS);
    }

    /**
     * The ECE a perfectly calibrated model with these scores would still show on a sample of this size: the mean
     * ECE over {@code draws} label sets drawn as {@code y_i ~ Bernoulli(score_i)} (seeded, deterministic). An
     * observed ECE near this floor is sampling noise, not miscalibration.
     */
    public static double noiseFloor(double[] scores, int bins, int draws, long seed) {
        double[] labels = new double[scores.length];
        check(scores, labels, bins);
        if (scores.length == 0 || draws < 1) {
            return Double.NaN;
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        double sum = 0;
        for (int d = 0; d < draws; d++) {
            for (int i = 0; i < scores.length; i++) {
                labels[i] = random.nextDouble() < scores[i] ? 1 : 0;
            }
            sum += expectedCalibrationError(scores, labels, bins);
        }
        return sum / draws;
    }

    /** The bin of a score in [0, 1]. */
    static int bin(double score, int bins) {
        return Math.min(bins - 1, (int) Math.floor(score * bins));
    }

    private static void check(double[] scores, double[] labels, int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("need at least one bin");
        }
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(scores.length + " scores but " + labels.length + " labels");
        }
        for (int i = 0; i < scores.length; i++) {
            if (!(scores[i] >= 0 && scores[i] <= 1)) {
                throw new IllegalArgumentException("score " + i + " is not in [0, 1]: " + scores[i]);
            }
            if (!(labels[i] == 0 || labels[i] == 1)) {
                throw new IllegalArgumentException("label " + i + " is not 0 or 1: " + labels[i]);
            }
        }
    }
}
