package io.mailflow.segmentation;

import java.io.Serializable;
import java.util.List;
import java.util.Random;

/**
 * Mini-batch streaming k-means with forgetting (the update rule of Spark's StreamingKMeans, which
 * Flink ML's OnlineKMeans also follows). For each cluster, with decay factor {@code d}, previous
 * weight {@code w}, centroid {@code c}, and {@code m} points summing to {@code S} in the batch:
 *
 * <pre>
 *   w' = d*w + m
 *   c' = (d*w*c + S) / (d*w + m)
 * </pre>
 *
 * Unlike Flink ML's OnlineKMeans the default decay is not 0 (a decay of 0 forgets everything each
 * batch, so the model jumps around and freezes when a batch is nearly empty); it is set as a
 * half-life in batches instead, which is easier to reason about.
 *
 * <p>Segment ids are stable: centroid {@code i} of the next model is the update of centroid
 * {@code i}. The one exception is a dying cluster (weight below {@link #DYING_FRACTION} of the
 * largest), which is re-seeded by splitting the largest cluster into two halves; its id is then
 * recycled, which consumers see as a segment that changed meaning, once, instead of a segment
 * that silently stays empty forever.
 *
 * <p>Poison-proof: points that are not finite, of another dimension than the model's, or beyond
 * {@link #MAX_ABS} are left out of a batch ({@link #usable}); a NaN centroid would otherwise attract no point
 * ever again, and an infinite one would send every point to segment 0.
 */
public final class StreamingKMeans implements Serializable {
    private static final long serialVersionUID = 1L;
    /** A cluster lighter than this fraction of the heaviest one is considered dead. */
    public static final double DYING_FRACTION = 1e-3;
    /** Largest coordinate magnitude of a point learned from. */
    public static final double MAX_ABS = 1e6;
    /** Relative size of the nudge that separates the two halves of a split cluster. */
    static final double SPLIT_PERTURBATION = 1e-4;

    private final int k;
    private final double decay;

    public StreamingKMeans(int k, double decay) {
        if (k < 1 || decay < 0 || decay > 1) {
            throw new IllegalArgumentException("k must be >= 1 and decay in [0, 1]");
        }
        this.k = k;
        this.decay = decay;
    }

    /** {@code d = 0.5^(1/h)}: after {@code h} batches a point's weight has halved. */
    public static double decayFromHalfLife(double halfLifeBatches) {
        if (!(halfLifeBatches > 0)) {
            throw new IllegalArgumentException("half-life must be positive: " + halfLifeBatches);
        }
        return Math.pow(0.5, 1.0 / halfLifeBatches);
    }

    public int k() {
        return k;
    }

    public double decay() {
        return decay;
    }

    /**
     * The model after one mini-batch. Without a current model the batch seeds one with k-means++
     * (followed by one update from zero weights, i.e. a Lloyd step); returns null while the batch
     * is still too small to seed {@code k} clusters.
     */
    public KMeansModel update(KMeansModel current, List<double[]> points, Random random) {
        int dims = current != null ? current.centroids()[0].length : firstFiniteDimension(points);
        List<double[]> batch = new java.util.ArrayList<>(points.size());
        for (double[] x : points) {
            if (usable(x, dims)) {
                batch.add(x);
            }
        }
        if (current != null && batch.isEmpty()) {
            return current;
        }
        if (current == null) {
            if (batch.size() < k) {
                return null;
            }
            KMeansModel seeded = new KMeansModel(0, KMeansPlusPlus.seed(batch, k, random), new double[k]);
            return step(seeded, batch, 0.0, random);
        }
        return step(current, batch, decay, random);
    }

    private KMeansModel step(KMeansModel model, List<double[]> batch, double d, Random random) {
        int dims = model.centroids()[0].length;
        double[][] sums = new double[k][dims];
        long[] counts = new long[k];
        NearestCentroid nearest = new NearestCentroid(model.centroids());
        for (double[] x : batch) {
            int j = nearest.nearest(x);
            counts[j]++;
            for (int i = 0; i < dims; i++) {
                sums[j][i] += x[i];
            }
        }
        double[][] centroids = new double[k][];
        double[] weights = new double[k];
        for (int j = 0; j < k; j++) {
            double kept = d * model.weights()[j];
            weights[j] = kept + counts[j];
            centroids[j] = model.centroids()[j].clone();
            if (weights[j] > 0) {
                for (int i = 0; i < dims; i++) {
                    centroids[j][i] = (kept * centroids[j][i] + sums[j][i]) / weights[j];
                }
            }
        }
        splitDyingClusters(centroids, weights, random);
        return new KMeansModel(model.version() + 1, centroids, weights);
    }

    private static int firstFiniteDimension(List<double[]> points) {
        for (double[] x : points) {
            if (x != null && usable(x, x.length)) {
                return x.length;
            }
        }
        return 0;
    }

    /** True for a point of {@code dims} finite coordinates within {@link #MAX_ABS}. */
    public static boolean usable(double[] x, int dims) {
        if (x == null || x.length != dims || dims == 0) {
            return false;
        }
        for (double v : x) {
            if (!(Math.abs(v) <= MAX_ABS)) {
                return false;
            }
        }
        return true;
    }

    /** True when every centroid coordinate and weight is finite (a model from a poisoned checkpoint is not). */
    public static boolean healthy(KMeansModel m) {
        for (int j = 0; j < m.k(); j++) {
            if (!Double.isFinite(m.weights()[j]) || !usable(m.centroids()[j], m.centroids()[j].length)) {
                return false;
            }
        }
        return true;
    }

    /** Re-seeds every dying cluster by splitting the currently largest one in two. */
    static void splitDyingClusters(double[][] centroids, double[] weights, Random random) {
        for (int dying = 0; dying < weights.length; dying++) {
            int largest = argMax(weights);
            if (weights[dying] >= DYING_FRACTION * weights[largest] || dying == largest) {
                continue;
            }
            double half = weights[largest] / 2;
            weights[largest] = half;
            weights[dying] = half;
            double[] c = centroids[largest];
            double[] twin = new double[c.length];
            for (int i = 0; i < c.length; i++) {
                double nudge = SPLIT_PERTURBATION * Math.max(Math.abs(c[i]), 1.0) * (random.nextBoolean() ? 1 : -1);
                twin[i] = c[i] + nudge;
                c[i] -= nudge;
            }
            centroids[dying] = twin;
        }
    }

    private static int argMax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
