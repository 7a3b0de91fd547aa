package io.mailflow.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KMeansRefitTest {
    /** Well-separated blobs of different sizes and spreads, in 4 dimensions. */
    private static List<double[]> blobs(int n, long seed) {
        Random r = new Random(seed);
        double[][] centres = {{0, 0, 0, 0}, {6, 0, 0, 0}, {0, 6, 0, 0}, {0, 0, 6, 0}, {3, 3, 3, 3}};
        double[] spread = {0.5, 1.0, 0.7, 1.2, 0.4};
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int c = i % 7 < 3 ? 0 : i % 5;
            double[] p = new double[4];
            for (int d = 0; d < 4; d++) {
                p[d] = centres[c][d] + spread[c] * r.nextGaussian();
            }
            points.add(p);
        }
        return points;
    }

    private static double sse(List<double[]> points, double[][] centroids) {
        double sum = 0;
        for (double[] p : points) {
            double min = Double.POSITIVE_INFINITY;
            for (double[] c : centroids) {
                min = Math.min(min, NearestCentroid.squaredDistance(p, c));
            }
            sum += min;
        }
        return sum;
    }

    /** The batch reference: best of {@code runs} k-means++ + Lloyd fits. */
    private static double bestOf(List<double[]> points, int k, int runs, long seed) {
        KMeansRefit fit = new KMeansRefit(k, 0);
        Random r = new Random(seed);
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < runs; i++) {
            best = Math.min(
                    best, fit.lloyd(KMeansPlusPlus.seed(points, k, r), points).sse());
        }
        return best;
    }

    @Test
    void growingSampleEndsAtBatchQualityWhereTheMiniBatchRuleDoesNot() {
        List<double[]> all = blobs(6000, 7);
        int k = 5;
        KMeansRefit refit = new KMeansRefit(k, 10);
        StreamingKMeans minibatch = new StreamingKMeans(k, StreamingKMeans.decayFromHalfLife(20));
        KMeansModel model = null;
        KMeansModel mb = null;
        long lastSearchSize = 0;
        for (int end = 200; end <= all.size(); end += 200) {
            List<double[]> sample = all.subList(0, end);
            boolean search = model == null || end >= 1.5 * lastSearchSize;
            model = refit.next(model, sample, search, new Random(end));
            if (search) {
                lastSearchSize = end;
            }
            mb = minibatch.update(mb, all.subList(end - 200, end), new Random(end));
        }
        double reference = bestOf(all, k, 10, 1);
        double refitRatio = sse(all, model.centroids()) / reference;
        double minibatchRatio = sse(all, mb.centroids()) / reference;
        assertThat(refitRatio).isLessThanOrEqualTo(1.01);
        assertThat(model.version()).isEqualTo(30);
        assertThat(model.weights()).as("counts of the sample's points").containsExactly(countsOf(all, model));
        // the comparison that motivated the refit (the mini-batch rule's figure on this data is in the message)
        assertThat(refitRatio).as("mini-batch rule: %.3f", minibatchRatio).isLessThanOrEqualTo(minibatchRatio);
    }

    private static double[] countsOf(List<double[]> points, KMeansModel m) {
        double[] counts = new double[m.k()];
        for (double[] p : points) {
            int best = 0;
            for (int j = 1; j < m.k(); j++) {
                if (NearestCentroid.squaredDistance(p, m.centroids()[j])
                        < NearestCentroid.squaredDistance(p, m.centroids()[best])) {
                    best = j;
                }
            }
            counts[best]++;
        }
        return counts;
    }

    @Test
    void aBetterFreshSolutionKeepsTheIdsOfTheCentroidsItReplaces() {
        List<double[]> points = blobs(2000, 3);
        // a poor model: two centroids in the same blob, none in the blob at (3,3,3,3), ids in a scrambled order
        double[][] poor = {{6, 0, 0, 0}, {0, 0, 0.1, 0}, {0, 0, 6, 0}, {0, 0, -0.1, 0}, {0, 6, 0, 0}};
        KMeansModel current = new KMeansModel(7, poor, new double[5]);
        KMeansModel next = new KMeansRefit(5, 10).next(current, points, true, new Random(1));
        assertThat(next.version()).isEqualTo(8);
        assertThat(sse(points, next.centroids())).isLessThan(0.99 * sse(points, poor));
        // the centroids that stay near where they were keep their ids
        assertThat(next.centroids()[0][0]).isCloseTo(6, org.assertj.core.data.Offset.offset(0.3));
        assertThat(next.centroids()[2][2]).isCloseTo(6, org.assertj.core.data.Offset.offset(0.3));
        assertThat(next.centroids()[4][1]).isCloseTo(6, org.assertj.core.data.Offset.offset(0.3));
    }

    @Test
    void aWarmRefitFromTheLastFitsBoundsIsTheSameAsOneWithout() {
        // a sample that changes between versions: points replaced, added and dropped, as in the trainer
        List<double[]> pool = blobs(12_000, 17);
        KMeansRefit refit = new KMeansRefit(5, 3);
        List<double[]> sample = new java.util.ArrayList<>(pool.subList(0, 4_000));
        KMeansRefit.Step first = refit.step(null, sample, true, new Random(1), null);
        KMeansModel model = first.model();
        KMeansRefit.Bounds bounds =
                refit.step(model, sample, false, new Random(2), null).bounds();
        model = refit.step(model, sample, false, new Random(2), null).model();
        assertThat(bounds).as("a converged warm refit reports its bounds").isNotNull();
        int next = 4_000;
        for (int version = 0; version < 8; version++) {
            // the hint follows the points: replaced points are unknown, new points are unknown, dropped ones go
            List<double[]> changed = new java.util.ArrayList<>();
            List<Integer> from = new java.util.ArrayList<>();
            for (int i = 0; i < sample.size(); i++) {
                if (i % 37 == version) {
                    continue; // dropped
                }
                if (i % 11 == version) {
                    changed.add(pool.get(next++)); // the same user's newer vector
                    from.add(-1);
                } else {
                    changed.add(sample.get(i));
                    from.add(i);
                }
            }
            for (int j = 0; j < 500; j++) {
                changed.add(pool.get(next++));
                from.add(-1);
            }
            KMeansRefit.Bounds hint = KMeansRefit.Bounds.unknown(changed.size());
            for (int i = 0; i < changed.size(); i++) {
                if (from.get(i) >= 0) {
                    hint.assigned()[i] = bounds.assigned()[from.get(i)];
                    hint.upper()[i] = bounds.upper()[from.get(i)];
                    hint.lower()[i] = bounds.lower()[from.get(i)];
                }
            }
            KMeansRefit.Step with = refit.step(model, changed, false, new Random(version), hint);
            KMeansRefit.Step without = refit.step(model, changed, false, new Random(version), null);
            assertThat(with.model().centroids()).isDeepEqualTo(without.model().centroids());
            assertThat(with.model().weights()).containsExactly(without.model().weights());
            assertThat(with.bounds().assigned())
                    .containsExactly(without.bounds().assigned());
            model = with.model();
            bounds = with.bounds();
            sample = changed;
        }
        // a wrong hint is not harmless, which is why the trainer only passes bounds for the current centroids
        KMeansRefit.Bounds wrong = KMeansRefit.Bounds.unknown(sample.size());
        java.util.Arrays.fill(wrong.assigned(), 0);
        java.util.Arrays.fill(wrong.upper(), 0.0);
        java.util.Arrays.fill(wrong.lower(), Double.MAX_VALUE);
        assertThat(refit.step(model, sample, false, new Random(9), wrong)
                        .model()
                        .weights())
                .isNotEqualTo(refit.step(model, sample, false, new Random(9), null)
                        .model()
                        .weights());
    }

    @Test
    void aSearchOnASubsampleFindsTheWholeSamplesOptimum() {
        // 20,000 points, searched on 2,000 of them: the winner refined on all points is as good as a search on all
        List<double[]> points = blobs(20_000, 13);
        int k = 5;
        KMeansRefit whole = new KMeansRefit(k, 10, points.size());
        KMeansRefit sub = new KMeansRefit(k, 10, 2_000);
        assertThat(sub.searchPool(points)).hasSize(2_000).first().isSameAs(points.get(0));
        assertThat(whole.searchPool(points)).isSameAs(points);
        KMeansModel a = whole.next(null, points, true, new Random(3));
        KMeansModel b = sub.next(null, points, true, new Random(3));
        double reference = bestOf(points, k, 10, 1);
        assertThat(sse(points, b.centroids()) / reference).isLessThanOrEqualTo(1.01);
        assertThat(sse(points, b.centroids())).isLessThanOrEqualTo(1.01 * sse(points, a.centroids()));
        // the whole sample's Lloyd polished the subsample's winner: its counts are the whole sample's
        assertThat(b.weights()).containsExactly(countsOf(points, b));
        assertThat(java.util.Arrays.stream(b.weights()).sum()).isEqualTo(points.size());
        // deterministic for the same sample and seed
        assertThat(sub.next(null, points, true, new Random(3)).centroids()).isDeepEqualTo(b.centroids());
    }

    @Test
    void aFreshSolutionThatIsNotClearlyBetterDoesNotReplaceTheWarmOne() {
        List<double[]> points = blobs(2000, 5);
        KMeansRefit refit = new KMeansRefit(5, 10);
        KMeansModel good = refit.next(null, points, true, new Random(1));
        KMeansModel again = refit.next(good, points, true, new Random(2));
        assertThat(again.centroids()).as("the warm fit, already converged").isDeepEqualTo(good.centroids());
        assertThat(again.version()).isEqualTo(good.version() + 1);
    }

    @Test
    void deterministicForTheSameSampleAndSeed() {
        List<double[]> points = blobs(1500, 11);
        KMeansRefit refit = new KMeansRefit(5, 4);
        KMeansModel a = refit.next(null, points, true, new Random(9));
        KMeansModel b = refit.next(null, points, true, new Random(9));
        assertThat(a.centroids()).isDeepEqualTo(b.centroids());
    }

    @Test
    void emptyClustersAreReseededAndTooSmallSamplesWait() {
        KMeansRefit refit = new KMeansRefit(3, 2);
        assertThat(refit.next(null, List.of(new double[] {1}, new double[] {2}), true, new Random(1)))
                .isNull();
        // all three seeds on the same point: two clusters start empty and take the farthest points
        List<double[]> points = List.of(new double[] {0}, new double[] {0.1}, new double[] {5}, new double[] {9});
        KMeansRefit.Fit fit = refit.lloyd(new double[][] {{0}, {0}, {0}}, points);
        assertThat(fit.counts()).doesNotContain(0.0);
        assertThat(fit.sse()).isCloseTo(0.005, org.assertj.core.data.Offset.offset(1e-9));
        KMeansModel current = new KMeansModel(3, new double[][] {{0}, {5}, {9}}, new double[] {2, 1, 1});
        assertThat(refit.next(current, List.of(), false, new Random(1))).isSameAs(current);
    }

    @Test
    void theAssignmentIsTheCheapestPermutation() {
        double[][] current = {{0}, {10}, {20}};
        double[][] fresh = {{19}, {1}, {11}};
        assertThat(KMeansRefit.assignment(current, fresh)).containsExactly(1, 2, 0);
        // above 9 centroids the greedy assignment: still exact on well-separated centroids
        double[][] many = new double[12][];
        double[][] shuffled = new double[12][];
        for (int i = 0; i < 12; i++) {
            many[i] = new double[] {i * 10};
            shuffled[(i * 5) % 12] = new double[] {i * 10 + 1};
        }
        int[] order = KMeansRefit.assignment(many, shuffled);
        for (int i = 0; i < 12; i++) {
            assertThat(order[i]).isEqualTo((i * 5) % 12);
        }
    }

    @Test
    void userSamplingIsUniformAndHalvesOnDemand() {
        long threshold = UserSampling.ALL;
        int in = 0;
        for (int i = 0; i < 10_000; i++) {
            assertThat(UserSampling.in(UserSampling.hash("u" + i), threshold)).isTrue();
        }
        threshold = UserSampling.halve(UserSampling.halve(threshold));
        for (int i = 0; i < 10_000; i++) {
            in += UserSampling.in(UserSampling.hash("u" + i), threshold) ? 1 : 0;
        }
        assertThat(in).as("a quarter of the users").isBetween(2_300, 2_700);
        assertThat(UserSampling.hash("u1")).isEqualTo(UserSampling.hash("u1")).isNotEqualTo(UserSampling.hash("u2"));
    }

    /**
     * The bounds only skip work: on clustered, uniform, duplicated and far-off data, warm and cold starts, with
     * empty clusters to re-seed, the accelerated Lloyd gives bit for bit the plain algorithm's centroids, counts
     * and SSE (the plain algorithm is kept here as the reference).
     */
    @Test
    void boundsGiveExactlyPlainLloyd() {
        Random r = new Random(2010);
        for (int trial = 0; trial < 60; trial++) {
            int k = 1 + r.nextInt(12);
            int dims = 1 + r.nextInt(8);
            int n = k + r.nextInt(600);
            List<double[]> points = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                double[] p = new double[dims];
                int cluster = r.nextInt(Math.max(1, k / 2 + 1));
                for (int x = 0; x < dims; x++) {
                    p[x] = switch (trial % 3) {
                        case 0 -> cluster * 3 + r.nextGaussian() * 0.5;
                        case 1 -> r.nextDouble();
                        default -> Math.round(r.nextDouble() * 3); // many exact duplicates and ties
                    };
                }
                points.add(p);
            }
            double[][] start = new double[k][];
            for (int j = 0; j < k; j++) {
                start[j] = trial % 4 == 0
                        ? points.get(0).clone() // identical starts: clusters empty at once
                        : trial % 4 == 1
                                ? far(dims, 100 + j)
                                : points.get(r.nextInt(n)).clone();
            }
            KMeansRefit refit = new KMeansRefit(k, 0);
            KMeansRefit.Fit fast = refit.lloyd(start, points);
            KMeansRefit.Fit plain = PlainLloyd.fit(k, start, points);
            assertThat(fast.centroids()).as("trial " + trial).isDeepEqualTo(plain.centroids());
            assertThat(fast.counts()).as("trial " + trial).containsExactly(plain.counts());
            assertThat(fast.sse()).as("trial " + trial).isEqualTo(plain.sse());
            // a warm restart from the converged centroids changes nothing
            KMeansRefit.Fit again = refit.lloyd(fast.centroids(), points);
            assertThat(again.centroids())
                    .isDeepEqualTo(PlainLloyd.fit(k, fast.centroids(), points).centroids());
        }
    }

    private static double[] far(int dims, double v) {
        double[] p = new double[dims];
        java.util.Arrays.fill(p, v);
        return p;
    }
}
