package io.mailflow.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.CampaignEvent;
import io.mailflow.model.ControlGroup;
import org.junit.jupiter.api.Test;

/** The guardrails' decisions as funnel events: only holdout releases of live campaigns are an audience. */
class FunnelDecisionsTest {
    private static CampaignEvent decision(CampaignEvent.Outcome outcome, String variant, boolean dryRun) {
        return new CampaignEvent("r1", "c1", variant, "ann", "abandoned-cart", outcome, "", 1000L, 0L, dryRun);
    }

    @Test
    void aHoldoutReleaseIsAnAssignmentOfTheCampaignsHoldout() {
        FunnelEvent e = Funnel.fromDecision(decision(CampaignEvent.HOLDOUT, "A", false), 2000L);
        assertThat(e)
                .isEqualTo(new FunnelEvent(
                        FunnelEvent.Kind.ASSIGNED, "ann", "c1", Funnel.HOLDOUT, true, "r1", null, 0, 2000L));
    }

    @Test
    void aControlGroupReleaseIsAnAssignmentOfTheControlGroup() {
        FunnelEvent e = Funnel.fromDecision(decision(CampaignEvent.HOLDOUT, ControlGroup.VARIANT, false), 2000L);
        assertThat(e.kind()).isEqualTo(FunnelEvent.Kind.ASSIGNED);
        assertThat(e.variant()).isEqualTo(Funnel.CONTROL);
        assertThat(e.holdout()).isTrue();
    }

    @Test
    void otherDecisionsAndDryRunsAreNotAnAudience() {
        assertThat(Funnel.fromDecision(decision(CampaignEvent.RELEASED, "A", false), 1L))
                .isNull(); // counted from its send result
        assertThat(Funnel.fromDecision(decision(CampaignEvent.DEFERRED, "A", false), 1L))
                .isNull();
        assertThat(Funnel.fromDecision(decision(CampaignEvent.DROPPED, "A", false), 1L))
                .isNull();
        assertThat(Funnel.fromDecision(decision(CampaignEvent.HOLDOUT, "A", true), 1L))
                .isNull();
    }
}
