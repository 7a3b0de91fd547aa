package io.mailflow.bench;

import static io.mailflow.bench.BanditEvaluation.ITEMS;

import io.mailflow.bench.BanditEvaluation.Impression;
import io.mailflow.campaigns.BanditPrior;
import io.mailflow.campaigns.VariantStats;
import io.mailflow.segmentation.KMeansModel;
import io.mailflow.segmentation.KMeansRefit;
import io.mailflow.segmentation.NearestCentroid;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Position-aware and contextual variants of the job's Thompson sampling for the off-policy evaluation on the Open
 * Bandit logs ({@link BanditEvaluation}). Each keeps the job's sampler and prior and changes only which counts it
 * sees: counts per position, counts with position-normalised exposures, or counts per segment (one user feature's
 * value). Each returns the policy's action probabilities for every impression of an evaluation log (its context and
 * position), to be scored with position-matched weights. Nothing here looks at the evaluation log's clicks.
 */
public final class BanditPolicies {
    /** Rounds of the alternating fit of the position-normalised click model (converges in a few; fixed, untuned). */
    static final int EXAMINATION_ROUNDS = 50;

    private BanditPolicies() {}

    /** For each impression of {@code log}, the action probabilities of the policy for its context and position. */
    static double[][] apply(List<Impression> log, Function<Impression, double[]> policy) {
        double[][] out = new double[log.size()][];
        for (int j = 0; j < log.size(); j++) {
            out[j] = policy.apply(log.get(j));
        }
        return out;
    }

    /** The job's sampler on counts per (item, position) of {@code train}: one bandit per position. */
    public static double[][] byPosition(
            List<Impression> train, List<Impression> log, int draws, long seed, BanditPrior prior) {
        Map<Integer, double[]> perPosition = new HashMap<>();
        for (int p = 1; p <= 3; p++) {
            int position = p;
            List<Impression> at =
                    train.stream().filter(i -> i.position() == position).toList();
            perPosition.put(p, BanditEvaluation.policy(BanditEvaluation.stats(at), draws, seed, prior));
        }
        return apply(log, i -> perPosition.get(i.position()));
    }

    /**
     * Position factors of the examination model click rate = item rate x position factor, fitted on {@code train}
     * by alternating maximum likelihood (Poisson approximation), scaled so that the factors average 1 over the
     * log's impressions. On a log whose logging policy put good items at good positions (the Bernoulli TS log),
     * raw item counts credit the position to the item; dividing the exposures by the factor removes that.
     */
    public static double[] positionFactors(List<Impression> train) {
        double[] theta = {0, 1, 1, 1};
        double[] gamma = new double[ITEMS];
        long[] itemClicks = new long[ITEMS];
        long[] posClicks = new long[4];
        for (Impression i : train) {
            itemClicks[i.item()] += i.click();
            posClicks[i.position()] += i.click();
        }
        for (int round = 0; round < EXAMINATION_ROUNDS; round++) {
            double[] itemExposure = new double[ITEMS];
            for (Impression i : train) {
                itemExposure[i.item()] += theta[i.position()];
            }
            for (int a = 0; a < ITEMS; a++) {
                gamma[a] = itemExposure[a] > 0 ? itemClicks[a] / itemExposure[a] : 0;
            }
            double[] posExposure = new double[4];
            for (Impression i : train) {
                posExposure[i.position()] += gamma[i.item()];
            }
            double mean = 0;
            for (int p = 1; p <= 3; p++) {
                theta[p] = posExposure[p] > 0 ? posClicks[p] / posExposure[p] : 1;
            }
            for (Impression i : train) {
                mean += theta[i.position()] / train.size();
            }
            for (int p = 1; p <= 3; p++) {
                theta[p] /= mean;
            }
        }
        return theta;
    }

    /**
     * The job's sampler on item counts whose exposures are position-normalised (each impression counts as its
     * position's factor), the same choice at every position.
     */
    public static double[] positionNormalised(List<Impression> train, int draws, long seed, BanditPrior prior) {
        double[] theta = positionFactors(train);
        double[] n = new double[ITEMS];
        long[] k = new long[ITEMS];
        for (Impression i : train) {
            n[i.item()] += theta[i.position()];
            k[i.item()] += i.click();
        }
        Map<String, VariantStats> stats = new HashMap<>();
        for (int a = 0; a < ITEMS; a++) {
            long exposures = Math.max(k[a], Math.round(n[a]));
            VariantStats s = new VariantStats(BanditEvaluation.CAMPAIGN, Integer.toString(a), exposures, k[a]);
            stats.put(s.key(), s);
        }
        return BanditEvaluation.policy(stats, draws, seed, prior);
    }

    /**
     * Segment as context: the job's sampler on counts per (value of user feature {@code feature}, item) of {@code
     * train}, as the job would keep variant statistics per segment. A segment absent from {@code train} has no
     * counts, so its prior is Beta(1, 1) and its choice uniform, as a new segment's would be in the job.
     */
    public static double[][] bySegment(
            List<Impression> train, List<Impression> log, int feature, int draws, long seed, BanditPrior prior) {
        Map<String, List<Impression>> segments = new HashMap<>();
        for (Impression i : train) {
            segments.computeIfAbsent(i.user()[feature], s -> new java.util.ArrayList<>())
                    .add(i);
        }
        Map<String, double[]> perSegment = new HashMap<>();
        return apply(
                log,
                i -> perSegment.computeIfAbsent(
                        i.user()[feature],
                        s -> BanditEvaluation.policy(
                                BanditEvaluation.stats(segments.getOrDefault(s, List.of())), draws, seed, prior)));
    }

    /**
     * Diagnostic, not a job policy: the item(s) of highest user-item affinity when the user has any, else {@code
     * fallback}. E-mail variants have no per-user affinity, so this only shows where this data's context signal is.
     */
    public static double[][] affinityFirst(List<Impression> log, double[] fallback) {
        return apply(log, i -> {
            double best = 0;
            for (double v : i.affinity()) {
                best = Math.max(best, v);
            }
            if (best <= 0) {
                return fallback;
            }
            double[] p = new double[ITEMS];
            int ties = 0;
            for (int a = 0; a < ITEMS; a++) {
                ties += i.affinity()[a] == best ? 1 : 0;
            }
            for (int a = 0; a < ITEMS; a++) {
                p[a] = i.affinity()[a] == best ? 1.0 / ties : 0;
            }
            return p;
        });
    }

    /**
     * Diagnostic: the logging policy of {@code train} replayed as its item frequencies per position (its choices
     * averaged over the week; the Bernoulli TS policy changed them as it learned). Scored on another log, it tells
     * whether that policy's on-policy click rate is reproduced there by its choice of items alone.
     */
    public static double[][] replay(List<Impression> train, List<Impression> log) {
        double[][] perPosition = new double[4][ITEMS];
        long[] n = new long[4];
        for (Impression i : train) {
            perPosition[i.position()][i.item()]++;
            n[i.position()]++;
        }
        for (int p = 1; p <= 3; p++) {
            for (int a = 0; a < ITEMS; a++) {
                perPosition[p][a] = n[p] > 0 ? perPosition[p][a] / n[p] : 1.0 / ITEMS;
            }
        }
        return apply(log, i -> perPosition[i.position()]);
    }

    /**
     * Segments as the job makes them: the job's k-means ({@link KMeansRefit}, k-means++ starts, Lloyd to
     * convergence) with {@code k} segments on the one-hot user features of {@code train} (categories unseen there
     * encode as all zeros), then the job's sampler on counts per (segment, item), as {@link #bySegment} does for
     * one feature.
     */
    public static double[][] byKMeansSegment(
            List<Impression> train,
            List<Impression> log,
            int k,
            int restarts,
            int draws,
            long seed,
            BanditPrior prior) {
        List<Map<String, Integer>> vocabulary = new ArrayList<>();
        int dims = 0;
        for (int f = 0; f < BanditEvaluation.USER_FEATURES; f++) {
            Map<String, Integer> index = new HashMap<>();
            TreeSet<String> values = new TreeSet<>();
            for (Impression i : train) {
                values.add(i.user()[f]);
            }
            for (String v : values) {
                index.put(v, dims++);
            }
            vocabulary.add(index);
        }
        int width = dims;
        Function<Impression, double[]> encode = i -> {
            double[] x = new double[width];
            for (int f = 0; f < BanditEvaluation.USER_FEATURES; f++) {
                Integer d = vocabulary.get(f).get(i.user()[f]);
                if (d != null) {
                    x[d] = 1;
                }
            }
            return x;
        };
        List<double[]> points = train.stream().map(encode).toList();
        KMeansModel model = new KMeansRefit(k, restarts).next(null, points, true, new Random(seed));
        NearestCentroid nearest = new NearestCentroid(model.centroids());
        Map<Integer, List<Impression>> segments = new HashMap<>();
        for (int j = 0; j < train.size(); j++) {
            segments.computeIfAbsent(nearest.nearest(points.get(j)), s -> new ArrayList<>())
                    .add(train.get(j));
        }
        Map<Integer, double[]> perSegment = new HashMap<>();
        return apply(
                log,
                i -> perSegment.computeIfAbsent(
                        nearest.nearest(encode.apply(i)),
                        s -> BanditEvaluation.policy(
                                BanditEvaluation.stats(segments.getOrDefault(s, List.of())), draws, seed, prior)));
    }
}
