package io.mailflow.scoring;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Progressive validation (McMahan et al. 2013, section 5.1): every example is scored by the model
 * <em>before</em> the model learns from it, so the score is an honest out-of-sample prediction and no
 * hold-out set is needed. In the job the pairs are the scores actually served at decision time and their
 * later labels ({@link ServedValidator}). This class keeps the last {@code window} (score, label) pairs and
 * computes exact AUC (Mann-Whitney with mid-ranks for ties), log loss and expected calibration error over
 * them: a sliding count window, because traffic-independent metrics need a fixed sample size, not a fixed
 * duration.
 */
public final class ProgressiveValidator {
    /** Scores are clipped to [EPS, 1 - EPS] in log loss, so one confident mistake costs a lot but not infinity. */
    static final double EPS = 1e-15;

    private final double[] scores;
    private final double[] labels;
    private int size;
    private int next;

    public ProgressiveValidator(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1");
        }
        scores = new double[window];
        labels = new double[window];
    }

    /** Restores a window from {@link #scores()} and {@link #labels()} (oldest first), keeping the newest that fit. */
    public static ProgressiveValidator restore(int window, double[] scores, double[] labels) {
        ProgressiveValidator v = new ProgressiveValidator(window);
        for (int i = Math.max(0, scores.length - window); i < scores.length; i++) {
            v.add(scores[i], labels[i]);
        }
        return v;
    }

    public void add(double score, double label) {
        scores[next] = score;
        labels[next] = label;
        next = (next + 1) % scores.length;
        size = Math.min(size + 1, scores.length);
    }

    public int size() {
        return size;
    }

    /** Area under the ROC curve over the window; NaN while it lacks positives or negatives. */
    public double auc() {
        double[] s = scores();
        double[] y = labels();
        Integer[] order = IntStream.range(0, s.length)
                .boxed()
                .sorted(Comparator.comparingDouble(i -> s[i]))
                .toArray(Integer[]::new);
        double positiveRankSum = 0;
        long positives = 0;
        for (int start = 0; start < order.length; ) {
            int end = start;
            while (end + 1 < order.length && s[order[end + 1]] == s[order[start]]) {
                end++;
            }
            double midRank = (start + end) / 2.0 + 1; // ranks are 1-based; ties share the mean rank
            for (int i = start; i <= end; i++) {
                if (y[order[i]] > 0.5) {
                    positiveRankSum += midRank;
                    positives++;
                }
            }
            start = end + 1;
        }
        long negatives = s.length - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /** Mean negative log-likelihood over the window; NaN when empty. */
    public double logLoss() {
        if (size == 0) {
            return Double.NaN;
        }
        double[] s = scores();
        double[] y = labels();
        double sum = 0;
        for (int i = 0; i < s.length; i++) {
            double p = Math.min(Math.max(s[i], EPS), 1 - EPS);
            sum -= y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p);
        }
        return sum / s.length;
    }

    /** Expected calibration error over the window ({@link Calibration}, 10 equal-width bins); NaN when empty. */
    public double calibrationError() {
        return size == 0 ? Double.NaN : Calibration.expectedCalibrationError(scores(), labels());
    }

    /** Scores in the window, oldest first. */
    public double[] scores() {
        return ordered(scores);
    }

    /** Labels in the window, oldest first. */
    public double[] labels() {
        return ordered(labels);
    }

    private double[] ordered(double[] ring) {
        if (size < ring.length) {
            return Arrays.copyOf(ring, size);
        }
        double[] out = new double[size];
        System.arraycopy(ring, next, out, 0, ring.length - next);
        System.arraycopy(ring, 0, out, ring.length - next, next);
        return out;
    }
}
