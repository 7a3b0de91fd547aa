package io.mailflow.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.features.Features;
import io.mailflow.features.UserFeatures;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // the harnesses\' close() declares InterruptedException
class KMeansAssignerTest {
    private static final KMeansModel V1 = new KMeansModel(1, new double[][] {{0, 0}, {10, 10}}, new double[] {5, 5});
    private static final KMeansModel V2 = new KMeansModel(2, new double[][] {{20, 20}, {10, 10}}, new double[] {5, 5});

    private final KMeansAssigner assigner = new KMeansAssigner();

    private KeyedBroadcastOperatorTestHarness<String, UserFeatures, KMeansModel, SegmentAssignment> harness()
            throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                assigner, UserFeatures::userId, Types.STRING, KMeansAssigner.MODEL);
    }

    static int keyedEntries(KeyedBroadcastOperatorTestHarness<?, ?, ?, ?> h) {
        return ((HeapKeyedStateBackend<?>) ((AbstractStreamOperator<?>) h.getTwoInputOperator()).getKeyedStateBackend())
                .numKeyValueStateEntries();
    }

    @Test
    void anIdleSnapshotGetsNoSegmentNorReplacesABufferedOne() throws Exception {
        try (var h = harness()) {
            h.processElement(Features.of("ann", 100, 1, 1), 100);
            h.processElement(Features.idle("ann", 200, 9, 9), 200);
            h.processBroadcastElement(V1, 300);
            h.processElement(Features.idle("bob", 400, 9, 9), 400);
            assertThat(h.extractOutputValues()).containsExactly(new SegmentAssignment("ann", 0, 1, Math.sqrt(2), 100));
        }
    }

    @Test
    void buffersUntilTheFirstModelThenStampsItsVersion() throws Exception {
        try (var h = harness()) {
            h.processElement(Features.of("ann", 100, 1, 1), 100);
            h.processElement(Features.of("ann", 200, 9, 9), 200); // supersedes ann's older snapshot
            h.processElement(Features.of("bob", 150, 0, 1), 150);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(keyedEntries(h)).isEqualTo(2);
            assertThat(assigner.currentVersion()).isEqualTo(-1);

            h.processBroadcastElement(V1, 300);

            assertThat(h.extractOutputValues())
                    .containsExactlyInAnyOrder(
                            new SegmentAssignment("ann", 1, 1, Math.sqrt(2), 200),
                            new SegmentAssignment("bob", 0, 1, 1.0, 150));
            assertThat(keyedEntries(h)).as("buffer emptied").isZero();
            assertThat(assigner.currentVersion()).isEqualTo(1);
        }
    }

    @Test
    void newerModelReplacesOlderIsIgnoredAndIdsStayPut() throws Exception {
        try (var h = harness()) {
            h.processBroadcastElement(V1, 1);
            h.processElement(Features.of("ann", 10, 19, 19), 10);
            h.processBroadcastElement(V2, 20);
            h.processBroadcastElement(V1, 30); // late duplicate of an old version: no rollback
            h.processElement(Features.of("ann", 40, 19, 19), 40);

            assertThat(h.extractOutputValues())
                    .extracting(SegmentAssignment::segment, SegmentAssignment::modelVersion)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(1, 1L), org.assertj.core.groups.Tuple.tuple(0, 2L));
            assertThat(assigner.currentVersion()).isEqualTo(2);
            assertThat(h.getBroadcastState(KMeansAssigner.MODEL).get("current").version())
                    .isEqualTo(2);
            assertThat(keyedEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
