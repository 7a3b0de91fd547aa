package io.mailflow.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The global bandit's aggregator: the deltas of every trigger instance summed per campaign variant, versioned. */
class VariantTotalsFunctionTest {
    private KeyedOneInputStreamOperatorTestHarness<String, VariantStats, VariantTotal> harness;

    @AfterEach
    void tearDown() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, VariantStats, VariantTotal> harness(
            OperatorSubtaskState restore) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, VariantStats, VariantTotal> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new VariantTotalsFunction()),
                        VariantStats::campaignId,
                        Types.STRING);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    @Test
    void sumsTheDeltasOfEveryInstancePerVariantWithAVersionPerUpdate() throws Exception {
        harness = harness(null);
        harness.processElement(new VariantStats("c", "A", 5, 1), 0); // instance 0
        harness.processElement(new VariantStats("c", "B", 4, 0), 0); // instance 0
        harness.processElement(new VariantStats("c", "A", 3, 2), 0); // instance 1
        harness.processElement(new VariantStats("d", "A", 1, 0), 0); // another campaign
        harness.processElement(new VariantStats("c", "B", 0, 0), 0); // nothing new: no total

        assertThat(harness.extractOutputValues())
                .containsExactly(
                        new VariantTotal("c", "A", 5, 1, 1),
                        new VariantTotal("c", "B", 4, 0, 1),
                        new VariantTotal("c", "A", 8, 3, 2),
                        new VariantTotal("d", "A", 1, 0, 1));
        // one map of a few counts per campaign, kept for the job's life; no timers
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aRestoreContinuesFromTheCheckpointedTotals() throws Exception {
        harness = harness(null);
        harness.processElement(new VariantStats("c", "A", 2, 1), 0);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.processElement(new VariantStats("c", "A", 7, 0), 0); // lost with the failure, reported again below
        harness.close();

        harness = harness(snapshot);
        harness.processElement(new VariantStats("c", "A", 7, 0), 0);
        assertThat(harness.extractOutputValues()).isEqualTo(List.of(new VariantTotal("c", "A", 9, 1, 2)));
    }
}
