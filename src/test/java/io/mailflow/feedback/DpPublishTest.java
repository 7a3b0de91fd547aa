package io.mailflow.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.privacy.NoiseMechanism;
import io.mailflow.privacy.PrivacyBudget;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The budget operator: the budget lives in keyed state, survives a restore, and stays spent. */
@SuppressWarnings("try")
class DpPublishTest {
    private static final DpSettings SETTINGS = new DpSettings(true, NoiseMechanism.LAPLACE, 1.0, 2.0, 1e-6, 1, 100.0);

    private static KeyedOneInputStreamOperatorTestHarness<String, DpTally, DpCampaignStats> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DpStatsFunctions.Publish(SETTINGS)), DpTally::campaignId, Types.STRING);
    }

    private static DpTally window(String campaign, int i) {
        return new DpTally(campaign, i * 3_600_000L, (i + 1) * 3_600_000L, 100, 100, 30, 5, 1, 2000);
    }

    @Test
    void theBudgetSurvivesARestoreAndRefusesOnceSpent() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(window("c1", 0), 3_599_999L);
            h.processElement(window("c1", 1), 7_199_999L);
            snapshot = h.snapshot(1, 1);
            assertThat(h.extractOutputValues()).allMatch(DpCampaignStats::released);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(window("c1", 2), 10_799_999L);
            h.processElement(window("c2", 2), 10_799_999L);
            List<DpCampaignStats> out = h.extractOutputValues();
            assertThat(out)
                    .extracting(DpCampaignStats::campaignId, DpCampaignStats::released)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("c1", false),
                            org.assertj.core.groups.Tuple.tuple("c2", true));
            assertThat(out.get(0).epsilonSpent()).isEqualTo(2.0);
            assertThat(out.get(0).refusals()).isEqualTo(1);
            var backend = ((org.apache.flink.streaming.api.operators.AbstractStreamOperator<?>) h.getOperator())
                    .getKeyedStateBackend();
            backend.setCurrentKey("c1");
            PrivacyBudget c1 = backend.getPartitionedState(
                            org.apache.flink.runtime.state.VoidNamespace.INSTANCE,
                            org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE,
                            DpStatsFunctions.Publish.budgetDescriptor())
                    .value();
            assertThat(c1).isEqualTo(new PrivacyBudget(2.0, 0, 2, 1));
            assertThat(h.numKeyedStateEntries()).isEqualTo(2); // one budget per campaign
        }
    }
}
