package io.mailflow.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.features.Features;
import io.mailflow.features.UserFeatures;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // the harnesses\' close() declares InterruptedException
class KMeansTrainerTest {
    private static final long T0 = 1_000_000L;
    private static final Duration MAX_WAIT = Duration.ofMinutes(5);

    private static KeyedOneInputStreamOperatorTestHarness<Integer, UserFeatures, KMeansModel> harness()
            throws Exception {
        KMeansTrainer trainer = new KMeansTrainer(new StreamingKMeans(2, 0.5), 4, MAX_WAIT, 42);
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(trainer), f -> KMeansTrainer.GLOBAL_KEY, Types.INT);
    }

    private static void send(
            KeyedOneInputStreamOperatorTestHarness<Integer, UserFeatures, KMeansModel> h, long t, double x)
            throws Exception {
        h.processElement(Features.of("u" + t, t, x), t);
    }

    @Test
    void batchClosesOnSizeAndSeedsTheModel() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, T0, 0);
            send(h, T0 + 1, 0.2);
            send(h, T0 + 2, 10);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            send(h, T0 + 3, 10.2);

            List<KMeansModel> models = h.extractOutputValues();
            assertThat(models).hasSize(1);
            assertThat(models.get(0).version()).isEqualTo(1);
            assertThat(List.of(models.get(0).centroids())).extracting(c -> c[0]).containsExactlyInAnyOrder(0.1, 10.1);
            assertThat(h.numEventTimeTimers())
                    .as("deadline of the closed batch deleted")
                    .isZero();
            assertThat(h.numKeyedStateEntries()).as("only the model is left").isEqualTo(1);
        }
    }

    @Test
    void batchClosesOnElapsedEventTimeAndWaitsForEnoughPointsToSeed() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, T0, 0);
            h.processWatermark(T0 + MAX_WAIT.toMillis());
            assertThat(h.extractOutputValues())
                    .as("one point cannot seed k = 2")
                    .isEmpty();
            assertThat(h.numEventTimeTimers()).isZero();

            send(h, T0 + 10, 10);
            h.processWatermark(T0 + 10 + MAX_WAIT.toMillis() - 1);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processWatermark(T0 + 10 + MAX_WAIT.toMillis());
            assertThat(h.extractOutputValues()).extracting(KMeansModel::version).containsExactly(1L);

            // Low traffic: a single point later still moves the model once its deadline passes.
            send(h, T0 + 20_000_000, 1);
            h.processWatermark(Long.MAX_VALUE);
            assertThat(h.extractOutputValues()).extracting(KMeansModel::version).containsExactly(1L, 2L);
            assertThat(h.numEventTimeTimers()).isZero();
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
            snapshot = h.snapshot(1, 1);
            for (int i = 0; i < 3; i++) {
                send(h, T0 + 11 + i, 9);
            }
            uninterrupted = h.extractOutputValues().get(1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            assertThat(h.numEventTimeTimers())
                    .as("the half-full batch's deadline is restored")
                    .isEqualTo(1);
            for (int i = 0; i < 3; i++) {
                send(h, T0 + 11 + i, 9);
            }
            List<KMeansModel> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            assertThat(out.get(0).version()).isEqualTo(2);
            assertThat(out.get(0).centroids()).isDeepEqualTo(uninterrupted.centroids());
            assertThat(out.get(0).weights()).containsExactly(uninterrupted.weights());
        }
    }
}
