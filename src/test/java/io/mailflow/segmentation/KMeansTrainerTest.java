package io.mailflow.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.features.Features;
import io.mailflow.features.UserFeatures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // the harnesses\' close() declares InterruptedException
class KMeansTrainerTest {
    private static final Duration MAX_WAIT = Duration.ofMinutes(5);
    private static final long W = MAX_WAIT.toMillis();
    /** The start of an interval: intervals are [n * W, (n + 1) * W). */
    private static final long T0 = 10 * W;

    private static KeyedOneInputStreamOperatorTestHarness<Integer, UserFeatures, KMeansModel> harness(
            KMeansTrainer trainer) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(trainer), f -> KMeansTrainer.GLOBAL_KEY, Types.INT);
    }

    private static KeyedOneInputStreamOperatorTestHarness<Integer, UserFeatures, KMeansModel> harness()
            throws Exception {
        return harness(new KMeansTrainer(new StreamingKMeans(2, 0.5), 4, MAX_WAIT, Duration.ZERO, 42));
    }

    private static void send(
            KeyedOneInputStreamOperatorTestHarness<Integer, UserFeatures, KMeansModel> h, long t, double x)
            throws Exception {
        h.processElement(Features.of("u" + t, t, x), t);
    }

    @Test
    void searchesOfALargeSampleWaitForItToBeRenewed() {
        assertThat(KMeansTrainer.searchEvery(100, 500)).isEqualTo(KMeansTrainer.SEARCH_EVERY);
        assertThat(KMeansTrainer.searchEvery(8_000, 500)).isEqualTo(16);
        assertThat(KMeansTrainer.searchEvery(8_001, 500)).isEqualTo(17);
        assertThat(KMeansTrainer.searchEvery(50_000, 500)).isEqualTo(100);
        assertThat(KMeansTrainer.searchEvery(50_000, 1)).isEqualTo(50_000);
    }

    @Test
    void idleSnapshotsNeverMoveTheSegments() throws Exception {
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < 8; i++) {
                h.processElement(io.mailflow.features.Features.idle("u" + i, T0 + i, 100.0 * i), T0 + i);
            }
            h.processWatermark(T0 + 3 * W);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void batchClosesOnSizeAndSeedsTheModel() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, T0, 0);
            send(h, T0 + 1, 0.2);
            send(h, T0 + 2, 10);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.numEventTimeTimers()).as("the interval's end").isEqualTo(1);
            send(h, T0 + 3, 10.2);

            List<KMeansModel> models = h.extractOutputValues();
            assertThat(models).hasSize(1);
            assertThat(models.get(0).version()).isEqualTo(1);
            assertThat(List.of(models.get(0).centroids())).extracting(c -> c[0]).containsExactlyInAnyOrder(0.1, 10.1);
            h.processWatermark(T0 + W);
            assertThat(h.extractOutputValues())
                    .as("nothing new when the interval ends")
                    .hasSize(1);
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).as("only the model is left").isEqualTo(1);
        }
    }

    @Test
    void theIntervalsLastBatchClosesWhenTheWatermarkPassesItsEndAndWaitsForEnoughPointsToSeed() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, T0, 0);
            h.processWatermark(T0 + W - 2);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            h.processWatermark(T0 + W - 1);
            assertThat(h.extractOutputValues())
                    .as("one point cannot seed k = 2")
                    .isEmpty();
            assertThat(h.numEventTimeTimers()).isZero();

            // a late snapshot (its interval is over) joins the next batch, which closes at the next watermark
            send(h, T0 + 10, 10);
            h.processWatermark(T0 + W);
            assertThat(h.extractOutputValues()).extracting(KMeansModel::version).containsExactly(1L);

            // Low traffic: a single point much later still moves the model once its interval is over.
            send(h, T0 + 20 * W, 1);
            h.processWatermark(Long.MAX_VALUE);
            assertThat(h.extractOutputValues()).extracting(KMeansModel::version).containsExactly(1L, 2L);
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void laterIntervalsWaitForTheOpenOneToClose() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, T0, 0);
            send(h, T0 + W + 5, 10); // next interval: waits
            send(h, T0 + 1, 0.2);
            send(h, T0 + 2 * W + 7, 20); // the one after: waits
            send(h, T0 + 3, 10.2);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processWatermark(T0 + W - 1);
            List<KMeansModel> models = h.extractOutputValues();
            assertThat(models).as("the first interval's three snapshots").hasSize(1);
            assertThat(models.get(0).weights()).containsExactlyInAnyOrder(2.0, 1.0);
            h.processWatermark(T0 + 3 * W);
            assertThat(h.extractOutputValues()).extracting(KMeansModel::version).containsExactly(1L, 2L, 3L);
            assertThat(h.numKeyedStateEntries()).as("nothing pending").isEqualTo(1);
        }
    }

    /**
     * The same snapshots in the same order give the same models however the watermarks fall between them
     * (every snapshot within the lateness of the watermark, as the session stage emits them).
     */
    @Test
    void modelsDoNotDependOnHowOftenWatermarksCome() throws Exception {
        Duration lateness = Duration.ofMinutes(2);
        for (boolean refitMode : new boolean[] {false, true}) {
            List<UserFeatures> snapshots = new ArrayList<>();
            Random r = new Random(3);
            long clock = T0;
            for (int i = 0; i < 400; i++) {
                clock += r.nextInt(20_000);
                long asOf = clock - r.nextInt((int) lateness.toMillis()); // stamped up to one lateness back
                snapshots.add(
                        Features.of("u" + r.nextInt(150), asOf, r.nextGaussian() + (i % 3) * 4, r.nextGaussian()));
            }
            List<List<KMeansModel>> runs = new ArrayList<>();
            for (int every : new int[] {1, 7, 50, 400}) {
                KMeansTrainer trainer = refitMode
                        ? new KMeansTrainer(new KMeansRefit(3, 3), 25, MAX_WAIT, lateness, 42, 100, Duration.ofDays(1))
                        : new KMeansTrainer(new StreamingKMeans(3, 0.9), 25, MAX_WAIT, lateness, 42);
                try (var h = harness(trainer)) {
                    h.open();
                    long maxSeen = Long.MIN_VALUE;
                    for (int i = 0; i < snapshots.size(); i++) {
                        UserFeatures f = snapshots.get(i);
                        h.processElement(f, f.asOf());
                        maxSeen = Math.max(maxSeen, f.asOf());
                        if ((i + 1) % every == 0) {
                            h.processWatermark(maxSeen - lateness.toMillis());
                        }
                    }
                    h.processWatermark(Long.MAX_VALUE);
                    runs.add(h.extractOutputValues());
                }
            }
            assertThat(runs.get(0)).as("models").hasSizeGreaterThan(10);
            for (List<KMeansModel> run : runs.subList(1, runs.size())) {
                assertThat(run).hasSameSizeAs(runs.get(0));
                for (int v = 0; v < run.size(); v++) {
                    assertThat(run.get(v).centroids())
                            .as("refit %s, version %d", refitMode, v + 1)
                            .isDeepEqualTo(runs.get(0).get(v).centroids());
                }
            }
        }
    }

    @Test
    void theSampleStaysWithinItsCapacityAndForgetsOldVectors() throws Exception {
        KMeansTrainer trainer =
                new KMeansTrainer(new KMeansRefit(2, 2), 1000, MAX_WAIT, Duration.ZERO, 42, 64, MAX_WAIT);
        try (var h = harness(trainer)) {
            h.open();
            for (int i = 0; i < 500; i++) {
                h.processElement(Features.of("user-" + i, T0 + i, i % 2 * 10.0 + i * 1e-3), T0 + i);
            }
            // 500 users into a sample of at most 64: the threshold halves until it fits (expected 500 / 8 users;
            // a sample left with more than 64 halves once more)
            h.processWatermark(T0 + W - 1);
            KMeansModel m = h.extractOutputValues().get(0);
            double users = m.weights()[0] + m.weights()[1];
            assertThat(users).isBetween(16.0, 64.0);

            // two intervals later every vector of the first is past the age limit (one interval): only new users
            for (int i = 0; i < 50; i++) {
                h.processElement(Features.of("new-" + i, T0 + 2 * W + i, i % 2 * 10.0), T0 + 2 * W + i);
            }
            h.processWatermark(T0 + 3 * W - 1);
            KMeansModel after = h.extractOutputValues().get(1);
            assertThat(after.weights()[0] + after.weights()[1]).isBetween(1.0, 50.0);
        }
    }

    @Test
    void restoreContinuesTheModelTheBatchAndTheVersions() throws Exception {
        OperatorSubtaskState snapshot;
        KMeansModel uninterrupted;
        try (var h = harness()) {
            h.open();
            for (int i = 0; i < 4; i++) {
                send(h, T0 + i, i < 2 ? 0 : 10);
            }
            send(h, T0 + 10, 1);
            send(h, T0 + W + 1, 3); // pending: the next interval
            snapshot = h.snapshot(1, 1);
            for (int i = 0; i < 3; i++) {
                send(h, T0 + 11 + i, 9);
            }
            h.processWatermark(T0 + 2 * W);
            uninterrupted = h.extractOutputValues().get(2);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            assertThat(h.numEventTimeTimers())
                    .as("the open interval's end is restored")
                    .isEqualTo(1);
            for (int i = 0; i < 3; i++) {
                send(h, T0 + 11 + i, 9);
            }
            h.processWatermark(T0 + 2 * W);
            List<KMeansModel> out = h.extractOutputValues();
            assertThat(out).hasSize(2);
            assertThat(out.get(1).version()).isEqualTo(3);
            assertThat(out.get(1).centroids()).isDeepEqualTo(uninterrupted.centroids());
            assertThat(out.get(1).weights()).containsExactly(uninterrupted.weights());
        }
    }

    /**
     * Refit mode: a run restored from a snapshot (its in-memory sample order and warm-start bounds rebuilt from
     * the state) gives bit for bit the models of the run that kept them in memory.
     */
    @Test
    void aRestoredRefitGivesTheSameModelsAsTheUninterruptedRun() throws Exception {
        List<UserFeatures> snapshots = new ArrayList<>();
        Random r = new Random(5);
        long clock = T0;
        for (int i = 0; i < 1_500; i++) {
            clock += r.nextInt(2_000);
            // 400 users, so most snapshots replace a user's vector in the sample
            snapshots.add(Features.of("u" + r.nextInt(400), clock, r.nextGaussian() + (i % 4) * 3, r.nextGaussian()));
        }
        java.util.function.Supplier<KMeansTrainer> trainer = () ->
                new KMeansTrainer(new KMeansRefit(4, 3, 100), 25, MAX_WAIT, Duration.ZERO, 42, 300, Duration.ofDays(1));
        int cut = 700;
        List<KMeansModel> uninterrupted;
        OperatorSubtaskState snapshot;
        int before;
        try (var h = harness(trainer.get())) {
            h.open();
            for (int i = 0; i < snapshots.size(); i++) {
                h.processElement(snapshots.get(i), snapshots.get(i).asOf());
            }
            h.processWatermark(Long.MAX_VALUE);
            uninterrupted = h.extractOutputValues();
        }
        try (var h = harness(trainer.get())) {
            h.open();
            for (int i = 0; i < cut; i++) {
                h.processElement(snapshots.get(i), snapshots.get(i).asOf());
            }
            before = h.extractOutputValues().size();
            snapshot = h.snapshot(1, 1);
        }
        List<KMeansModel> after;
        try (var h = harness(trainer.get())) {
            h.initializeState(snapshot);
            h.open();
            for (int i = cut; i < snapshots.size(); i++) {
                h.processElement(snapshots.get(i), snapshots.get(i).asOf());
            }
            h.processWatermark(Long.MAX_VALUE);
            after = h.extractOutputValues();
        }
        assertThat(before).as("versions before the cut").isGreaterThan(10);
        assertThat(after)
                .as("versions after the cut")
                .hasSize(uninterrupted.size() - before)
                .hasSizeGreaterThan(10);
        for (int v = 0; v < after.size(); v++) {
            KMeansModel expected = uninterrupted.get(before + v);
            assertThat(after.get(v).version()).isEqualTo(expected.version());
            assertThat(after.get(v).centroids())
                    .as("version %d", expected.version())
                    .isDeepEqualTo(expected.centroids());
            assertThat(after.get(v).weights()).containsExactly(expected.weights());
        }
    }
}
