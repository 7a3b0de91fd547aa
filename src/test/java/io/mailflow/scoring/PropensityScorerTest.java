package io.mailflow.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mailflow.features.Features;
import io.mailflow.features.UserFeatures;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // the harnesses\' close() declares InterruptedException
class PropensityScorerTest {
    private static final LogRegModel V1 = new LogRegModel(1, new double[] {1.0, 0.0}, 0.0, 100);
    private static final LogRegModel V2 = new LogRegModel(2, new double[] {-1.0, 0.0}, 0.5, 200);

    private static KeyedBroadcastOperatorTestHarness<String, UserFeatures, LogRegModel, PropensityScore> harness(
            PropensityScorer scorer) throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                scorer, UserFeatures::userId, Types.STRING, PropensityScorer.MODEL);
    }

    private static int keyedEntries(KeyedBroadcastOperatorTestHarness<?, ?, ?, ?> h) {
        return ((HeapKeyedStateBackend<?>) ((AbstractStreamOperator<?>) h.getTwoInputOperator()).getKeyedStateBackend())
                .numKeyValueStateEntries();
    }

    private static double sigmoid(double m) {
        return 1 / (1 + Math.exp(-m));
    }

    @Test
    void anIdleSnapshotIsScoredAndItsScoreSaysSo() throws Exception {
        try (var h = harness(new PropensityScorer())) {
            h.processBroadcastElement(V1, 1);
            h.processElement(Features.of("ann", 10, 2.0, 7.0), 10);
            h.processElement(Features.idle("ann", 20, 1.0, 7.0), 20);
            assertThat(h.extractOutputValues())
                    .extracting(PropensityScore::timestamp, PropensityScore::idle)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(10L, false),
                            org.assertj.core.groups.Tuple.tuple(20L, true));
            assertThat(h.extractOutputValues().get(1).score()).isCloseTo(sigmoid(1.0), within(1e-12));
        }
    }

    @Test
    void buffersUntilFirstModelAndStampsEveryScoreWithItsVersion() throws Exception {
        PropensityScorer scorer = new PropensityScorer();
        try (var h = harness(scorer)) {
            h.processElement(Features.of("ann", 10, 2.0, 7.0), 10);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(keyedEntries(h)).isEqualTo(1);

            h.processBroadcastElement(V1, 20);
            h.processElement(Features.of("bob", 30, -1.0, 0.0), 30);
            h.processBroadcastElement(V2, 40);
            h.processElement(Features.of("ann", 50, 2.0, 7.0), 50);

            var out = h.extractOutputValues();
            assertThat(out)
                    .extracting(PropensityScore::userId, PropensityScore::modelVersion, PropensityScore::timestamp)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("ann", 1L, 10L),
                            org.assertj.core.groups.Tuple.tuple("bob", 1L, 30L),
                            org.assertj.core.groups.Tuple.tuple("ann", 2L, 50L));
            assertThat(out.get(0).score()).isCloseTo(sigmoid(2.0), within(1e-12));
            assertThat(out.get(1).score()).isCloseTo(sigmoid(-1.0), within(1e-12));
            assertThat(out.get(2).score()).isCloseTo(sigmoid(-2.0 + 0.5), within(1e-12));
            assertThat(keyedEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(scorer.currentVersion()).isEqualTo(2);
        }
    }

    @Test
    void restoredScorerServesTheRestoredModelNotTheFirstOne() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(new PropensityScorer())) {
            h.processBroadcastElement(V1, 1);
            h.processBroadcastElement(V2, 2);
            snapshot = h.snapshot(1, 1);
        }
        PropensityScorer scorer = new PropensityScorer();
        try (var h = new KeyedBroadcastOperatorTestHarness<>(
                new org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator<>(
                        scorer, java.util.List.of(PropensityScorer.MODEL)),
                UserFeatures::userId,
                Types.STRING,
                1,
                1,
                0)) {
            h.setup();
            h.initializeState(snapshot);
            h.open();
            h.processElement(Features.of("ann", 5, 1.0, 0.0), 5);
            assertThat(h.extractOutputValues()).singleElement().satisfies(s -> {
                assertThat(s.modelVersion()).isEqualTo(2);
                assertThat(s.score()).isCloseTo(sigmoid(-0.5), within(1e-12));
            });
        }
    }
}
