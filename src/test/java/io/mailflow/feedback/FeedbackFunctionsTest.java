package io.mailflow.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.CampaignEvent;
import io.mailflow.model.ControlGroup;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The feedback stage's small operators around holdout decisions and the programme's statistics. */
@SuppressWarnings("try") // the harnesses' close() declares InterruptedException
class FeedbackFunctionsTest {

    @Test
    void holdoutDecisionsBecomeAssignmentsAtTheirEventTime() throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(new FeedbackStage.DecisionsToFunnel())) {
            h.processElement(
                    new CampaignEvent("r1", "c1", "A", "ann", "t", CampaignEvent.HOLDOUT, "", 500L, 0L), 1000L);
            h.processElement(
                    new CampaignEvent("r2", "c1", "A", "ben", "t", CampaignEvent.RELEASED, "", 500L, 0L), 1000L);
            h.processElement(
                    new CampaignEvent(
                            "r3", "c1", ControlGroup.VARIANT, "cat", "t", CampaignEvent.HOLDOUT, "", 500L, 0L),
                    1000L);
            assertThat(h.extractOutputValues())
                    .extracting(e -> e.userId() + ":" + e.kind() + ":" + e.variant() + ":" + e.at())
                    .containsExactly("ann:ASSIGNED:holdout:1000", "cat:ASSIGNED:global-control:1000");
        }
    }

    @Test
    void everyEventPassesAndMailedAndControlEventsAreCopiedForTheProgramme() throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(new FeedbackStage.WithProgrammeCopies())) {
            h.processElement(new FunnelEvent(FunnelEvent.Kind.SENT, "ann", "c1", "A", false, "r1", "m", 0, 1L), 1L);
            h.processElement(
                    new FunnelEvent(FunnelEvent.Kind.ASSIGNED, "ben", "c1", "holdout", true, "r2", null, 0, 1L), 1L);
            h.processElement(
                    new FunnelEvent(
                            FunnelEvent.Kind.CONVERTED, "cat", "c1", ControlGroup.VARIANT, true, "r3", null, 9.0, 2L),
                    2L);
            assertThat(h.extractOutputValues())
                    .extracting(e -> e.campaignId() + ":" + e.variant() + ":" + e.kind())
                    .containsExactly(
                            "c1:A:SENT",
                            "_programme:mailed:SENT",
                            "c1:holdout:ASSIGNED",
                            "c1:global-control:CONVERTED",
                            "_programme:global-control:CONVERTED");
        }
    }

    @Test
    void aHoldoutsPurchaseIsNotAnEmailConversionInTheEngagementFeatures() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EngagementFeatureFunction(Duration.ofDays(7), Duration.ofDays(30))),
                FunnelEvent::userId,
                Types.STRING)) {
            h.open();
            h.processElement(
                    new FunnelEvent(FunnelEvent.Kind.CONVERTED, "ann", "c1", "holdout", true, "r1", null, 9.0, 1L), 1L);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processElement(
                    new FunnelEvent(FunnelEvent.Kind.CONVERTED, "ann", "c1", "A", false, "r2", "m", 9.0, 2L), 2L);
            assertThat(h.extractOutputValues())
                    .singleElement()
                    .satisfies(f -> assertThat(f.conversions()).isEqualTo(1.0));
        }
    }
}
