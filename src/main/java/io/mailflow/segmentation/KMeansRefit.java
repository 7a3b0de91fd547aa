package io.mailflow.segmentation;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * k-means refitted on a bounded sample of the population it segments: what makes the streaming model as good as
 * batch k-means++ (docs/model-evaluation.md). The mini-batch rule of {@link StreamingKMeans} only ever nudges
 * centroids towards each batch, so it settles wherever its first seeds led it (1.3-2.6 x the batch SSE on the
 * replays); here every model version is Lloyd's algorithm run to convergence on the sample (each user's latest
 * vector, see {@code KMeansTrainer}), started from the current centroids, and at growing sample sizes a search
 * of {@code restarts} fresh k-means++ starts, the batch reference's own recipe (best of 10), replaces the model
 * when it is clearly better.
 *
 * <p>Segment ids stay stable: a warm start keeps every centroid's index, and a replacement's centroids take the
 * ids of the current centroids nearest to them (the assignment of least total squared distance, exact for
 * {@code k <= 9}, greedy above), and only when its SSE is at least {@link #SWITCH_GAIN} below the warm fit's, so
 * two nearly equal solutions never flap. An empty cluster is re-seeded with the point farthest from its
 * centroid, so no segment stays dead. Deterministic for a given sample order and random seed. Flink-free.
 */
public final class KMeansRefit implements Serializable {
    private static final long serialVersionUID = 1L;
    /** A fresh solution replaces the warm one only when its SSE is lower by at least this share. */
    public static final double SWITCH_GAIN = 0.01;
    /** Lloyd iterations stop here or when no assignment changes. */
    static final int MAX_ITERATIONS = 100;
    /** Relative slack on the bounds, far above the rounding of a distance: a tie is always computed. */
    static final double BOUND_MARGIN = 1e-9;

    /** Default most points a search's fresh starts run on ({@code kmeans.restart-sample-size}). */
    public static final int DEFAULT_SEARCH_POINTS = 4_096;

    private final int k;
    private final int restarts;
    private final int searchPoints;

    /**
     * @param k number of segments
     * @param restarts fresh k-means++ starts tried at each search (0: warm refits only)
     */
    public KMeansRefit(int k, int restarts) {
        this(k, restarts, DEFAULT_SEARCH_POINTS);
    }

    /**
     * @param k number of segments
     * @param restarts fresh k-means++ starts tried at each search (0: warm refits only)
     * @param searchPoints most sample points the fresh starts are seeded and run on; the best of them is then
     *     refined on the whole sample (a sample no larger than this is searched whole)
     */
    public KMeansRefit(int k, int restarts, int searchPoints) {
        if (k < 1 || restarts < 0 || searchPoints < k) {
            throw new IllegalArgumentException("k must be >= 1, restarts >= 0 and searchPoints >= k");
        }
        this.k = k;
        this.restarts = restarts;
        this.searchPoints = searchPoints;
    }

    public int k() {
        return k;
    }

    /**
     * A fitted solution: centroids, the number of sample points behind each, the sample's SSE and, when Lloyd
     * converged, each point's centroid and Hamerly bounds for those centroids (else null).
     */
    public record Fit(double[][] centroids, double[] counts, double sse, Bounds bounds) {
        public Fit(double[][] centroids, double[] counts, double sse) {
            this(centroids, counts, sse, null);
        }
    }

    /**
     * Per point of a fit, in the sample's order: the index of its nearest centroid (-1: unknown), an upper bound
     * on the distance to it and a lower bound on the distance to any other. Valid for one set of centroids: a
     * warm start from exactly those centroids may begin from them instead of a full search of every point, which
     * changes nothing in the result (a point is skipped only when its bounds prove its centroid strictly nearest).
     */
    public record Bounds(int[] assigned, double[] upper, double[] lower) {
        /** Nothing known about {@code n} points. */
        public static Bounds unknown(int n) {
            int[] a = new int[n];
            Arrays.fill(a, -1);
            return new Bounds(a, new double[n], new double[n]);
        }
    }

    /** The next model and, when it is the converged warm refit, the bounds of its sample for its centroids. */
    public record Step(KMeansModel model, Bounds bounds) {}

    /**
     * The next model version from {@code sample}. Null while the sample holds fewer than {@code k} points and
     * there is no model yet; the current model when the sample is empty.
     *
     * @param search true to also try {@code restarts} fresh k-means++ starts (the trainer does so whenever the
     *     sample has grown by half since the last search, and on the first fit)
     */
    public KMeansModel next(KMeansModel current, List<double[]> sample, boolean search, Random random) {
        return step(current, sample, search, random, null).model();
    }

    /**
     * {@link #next}, with what a previous step knew of the sample's points for the current centroids ({@code
     * hint}, in the sample's order, null or -1 entries for unknown points; see {@link Bounds}), and returning the
     * same for the model it makes when that model is the converged warm refit. The model is the same with or
     * without the hint; only the work differs (issue 18: the warm refit's first full pass over the sample was the
     * trainer's largest cost once the searches were rare).
     */
    public Step step(KMeansModel current, List<double[]> sample, boolean search, Random random, Bounds hint) {
        if (sample.isEmpty()) {
            return new Step(current, null);
        }
        if (current == null && sample.size() < k) {
            return new Step(null, null);
        }
        Flat all = Flat.of(sample, sample.get(0).length);
        Fit warm = current == null ? null : lloyd(current.centroids(), all, hint);
        Fit best = warm;
        if (current == null || search) {
            List<double[]> pool = searchPool(sample);
            Flat flatPool = pool == sample ? all : Flat.of(pool, all.dims());
            Fit fresh = null;
            for (int r = 0; r < Math.max(1, restarts); r++) {
                Fit f = lloyd(KMeansPlusPlus.seed(pool, k, random), flatPool);
                if (fresh == null || f.sse() < fresh.sse()) {
                    fresh = f;
                }
            }
            if (pool != sample) {
                fresh = lloyd(fresh.centroids(), all); // the best start, refined on the whole sample
            }
            if (best == null || fresh.sse() < best.sse()) {
                best = fresh;
            }
        }
        if (warm != null && best != warm) {
            best = best.sse() <= warm.sse() * (1 - SWITCH_GAIN) ? matched(current.centroids(), best) : warm;
        }
        long version = current == null ? 1 : current.version() + 1;
        KMeansModel model = new KMeansModel(version, best.centroids(), best.counts());
        return new Step(model, best == warm ? warm.bounds() : null);
    }

    /**
     * The points a search's fresh starts run on: the whole sample when it holds at most {@code searchPoints},
     * otherwise every {@code ceil(n / searchPoints)}-th point. The trainer's sample is in the order of a hash of
     * the user id, so this is a uniform subsample, the same one in every replay. Seeding and Lloyd on it cost a
     * fraction of the whole sample's (the profile of issue 18: the ten starts were 70 % of the trainer's time),
     * and a subsample of a few thousand points locates the k-means++ optima of a few clusters well; only the
     * winner is refined on the whole sample.
     */
    List<double[]> searchPool(List<double[]> sample) {
        int n = sample.size();
        if (n <= searchPoints) {
            return sample;
        }
        int step = (n + searchPoints - 1) / searchPoints;
        List<double[]> pool = new java.util.ArrayList<>(n / step + 1);
        for (int i = 0; i < n; i += step) {
            pool.add(sample.get(i));
        }
        return pool;
    }

    /**
     * Lloyd's algorithm from {@code start} until no assignment changes (or {@link #MAX_ITERATIONS}), with
     * Hamerly's bounds (2010) to skip the distance computations that cannot change an assignment: each point
     * keeps an upper bound on the distance to its centroid and a lower bound on the distance to any other; a
     * point whose upper bound is below both that lower bound and half the distance from its centroid to the
     * nearest other centroid keeps its centroid without computing a distance. The result is Lloyd's, exactly
     * (same assignments, the same sums in the same order, ties to the lowest index: a point is skipped only
     * when its centroid is strictly nearest, with a margin for rounding); {@code KMeansRefitTest} checks it
     * against the plain algorithm. Warm starts from converged centroids, the common case, then cost little
     * more than one pass over the sample (the profile of issue 18: Lloyd was half of the whole job's CPU).
     */
    public Fit lloyd(double[][] start, List<double[]> points) {
        return lloyd(start, Flat.of(points, start[0].length));
    }

    /**
     * Points copied into one array, row after row: Lloyd's passes then read memory in order instead of chasing
     * one small array per point (the sums pass was the trainer's hottest line in the profile of issue 18).
     */
    static final class Flat {
        private final double[] xs;
        private final int n;
        private final int dims;

        private Flat(double[] xs, int n, int dims) {
            this.xs = xs;
            this.n = n;
            this.dims = dims;
        }

        double[] xs() {
            return xs;
        }

        int n() {
            return n;
        }

        int dims() {
            return dims;
        }

        static Flat of(List<double[]> points, int dims) {
            double[] xs = new double[points.size() * dims];
            for (int i = 0; i < points.size(); i++) {
                System.arraycopy(points.get(i), 0, xs, i * dims, dims);
            }
            return new Flat(xs, points.size(), dims);
        }

        double squaredDistance(int i, double[] c) {
            double sum = 0;
            int o = i * dims;
            for (int x = 0; x < dims; x++) {
                double d = xs[o + x] - c[x];
                sum += d * d;
            }
            return sum;
        }

        double[] point(int i) {
            return Arrays.copyOfRange(xs, i * dims, (i + 1) * dims);
        }
    }

    Fit lloyd(double[][] start, Flat points) {
        return lloyd(start, points, null);
    }

    /** Lloyd from {@code start}, with the bounds of its points for exactly {@code start} when known. */
    Fit lloyd(double[][] start, Flat points, Bounds hint) {
        int n = points.n();
        int dims = start[0].length;
        double[] xs = points.xs();
        double[][] centroids = new double[k][];
        for (int j = 0; j < k; j++) {
            centroids[j] = start[j].clone();
        }
        int[] assigned = new int[n];
        Arrays.fill(assigned, -1);
        double[] upper = new double[n];
        double[] lower = new double[n];
        if (hint != null) {
            for (int i = 0; i < Math.min(n, hint.assigned().length); i++) {
                int a = hint.assigned()[i];
                if (a >= 0 && a < k) {
                    assigned[i] = a;
                    upper[i] = hint.upper()[i];
                    lower[i] = hint.lower()[i];
                }
            }
        }
        double[] half = new double[k];
        double[] moved = new double[k];
        double[] counts = new double[k];
        boolean converged = false;
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            halfDistances(centroids, half);
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int a = assigned[i];
                if (a >= 0) {
                    double bound = Math.max(half[a], lower[i]);
                    if (upper[i] * (1 + BOUND_MARGIN) < bound) {
                        continue;
                    }
                    upper[i] = Math.sqrt(points.squaredDistance(i, centroids[a]));
                    if (upper[i] * (1 + BOUND_MARGIN) < bound) {
                        continue;
                    }
                }
                int nearest = 0;
                double min = Double.POSITIVE_INFINITY;
                double second = Double.POSITIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    double d = points.squaredDistance(i, centroids[j]);
                    if (d < min) {
                        second = min;
                        min = d;
                        nearest = j;
                    } else if (d < second) {
                        second = d;
                    }
                }
                upper[i] = Math.sqrt(min);
                lower[i] = Math.sqrt(second);
                if (a != nearest) {
                    assigned[i] = nearest;
                    changed = true;
                }
            }
            if (!changed && iteration > 0) {
                converged = true;
                break;
            }
            double[][] sums = new double[k][dims];
            Arrays.fill(counts, 0);
            for (int i = 0; i < n; i++) {
                double[] s = sums[assigned[i]];
                int o = i * dims;
                for (int x = 0; x < dims; x++) {
                    s[x] += xs[o + x];
                }
                counts[assigned[i]]++;
            }
            double[] d2 = null; // exact distances to the assigned centroids, only when a cluster is empty
            for (int j = 0; j < k && d2 == null && n > k; j++) {
                if (counts[j] == 0) {
                    d2 = new double[n];
                    for (int i = 0; i < n; i++) {
                        d2[i] = points.squaredDistance(i, centroids[assigned[i]]);
                    }
                }
            }
            for (int j = 0; j < k; j++) {
                double[] before = centroids[j].clone();
                if (counts[j] > 0) {
                    for (int x = 0; x < dims; x++) {
                        centroids[j][x] = sums[j][x] / counts[j];
                    }
                } else if (n > k) {
                    // an empty cluster takes the point worst served by its centroid, which then moves to it
                    int far = 0;
                    for (int i = 1; i < n; i++) {
                        if (d2[i] > d2[far]) {
                            far = i;
                        }
                    }
                    centroids[j] = points.point(far);
                    d2[far] = 0;
                    assigned[far] = -1;
                }
                moved[j] = Math.sqrt(NearestCentroid.squaredDistance(before, centroids[j]));
            }
            double maxMove = 0;
            for (double m : moved) {
                maxMove = Math.max(maxMove, m);
            }
            for (int i = 0; i < n; i++) {
                if (assigned[i] >= 0) {
                    upper[i] += moved[assigned[i]];
                    lower[i] -= maxMove;
                }
            }
        }
        // the final assignment and SSE for the final centroids
        Arrays.fill(counts, 0);
        double sse = 0;
        if (converged) {
            // every point was just confirmed at its nearest centroid (ties to the lowest index, as below), and the
            // centroids have not moved since: the same sums as the full search, at one distance per point
            for (int i = 0; i < n; i++) {
                counts[assigned[i]]++;
                sse += points.squaredDistance(i, centroids[assigned[i]]);
            }
            return new Fit(centroids, counts, sse, new Bounds(assigned, upper, lower));
        }
        for (int i = 0; i < n; i++) {
            int nearest = 0;
            double min = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double d = points.squaredDistance(i, centroids[j]);
                if (d < min) {
                    min = d;
                    nearest = j;
                }
            }
            counts[nearest]++;
            sse += min;
        }
        return new Fit(centroids, counts, sse);
    }

    /** Half the distance from each centroid to its nearest other centroid. */
    private static void halfDistances(double[][] centroids, double[] half) {
        Arrays.fill(half, Double.POSITIVE_INFINITY);
        for (int a = 0; a < centroids.length; a++) {
            for (int b = a + 1; b < centroids.length; b++) {
                double d = Math.sqrt(NearestCentroid.squaredDistance(centroids[a], centroids[b])) / 2;
                half[a] = Math.min(half[a], d);
                half[b] = Math.min(half[b], d);
            }
        }
    }

    /** {@code fit} with its centroids re-indexed so that each takes the id of the current centroid nearest it. */
    static Fit matched(double[][] current, Fit fit) {
        int[] order = assignment(current, fit.centroids());
        double[][] centroids = new double[order.length][];
        double[] counts = new double[order.length];
        for (int id = 0; id < order.length; id++) {
            centroids[id] = fit.centroids()[order[id]];
            counts[id] = fit.counts()[order[id]];
        }
        return new Fit(centroids, counts, fit.sse());
    }

    /**
     * For each current id, the index of the new centroid it maps to: the permutation of least total squared
     * distance (exhaustive up to 9 centroids, greedy by closest pair above).
     */
    static int[] assignment(double[][] current, double[][] fresh) {
        int k = current.length;
        double[][] cost = new double[k][k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                cost[a][b] = NearestCentroid.squaredDistance(current[a], fresh[b]);
            }
        }
        if (k <= 9) {
            int[] best = new int[k];
            int[] perm = new int[k];
            for (int i = 0; i < k; i++) {
                perm[i] = i;
                best[i] = i;
            }
            double[] bestCost = {Double.POSITIVE_INFINITY};
            permute(perm, 0, 0.0, cost, best, bestCost);
            return best;
        }
        int[] order = new int[k];
        boolean[] usedA = new boolean[k];
        boolean[] usedB = new boolean[k];
        for (int round = 0; round < k; round++) {
            int ba = -1;
            int bb = -1;
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    if (!usedA[a] && !usedB[b] && (ba < 0 || cost[a][b] < cost[ba][bb])) {
                        ba = a;
                        bb = b;
                    }
                }
            }
            usedA[ba] = true;
            usedB[bb] = true;
            order[ba] = bb;
        }
        return order;
    }

    private static void permute(int[] perm, int depth, double sum, double[][] cost, int[] best, double[] bestCost) {
        if (sum >= bestCost[0]) {
            return;
        }
        if (depth == perm.length) {
            bestCost[0] = sum;
            System.arraycopy(perm, 0, best, 0, perm.length);
            return;
        }
        for (int i = depth; i < perm.length; i++) {
            swap(perm, depth, i);
            permute(perm, depth + 1, sum + cost[depth][perm[depth]], cost, best, bestCost);
            swap(perm, depth, i);
        }
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
