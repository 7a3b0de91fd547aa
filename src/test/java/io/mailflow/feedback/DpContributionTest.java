package io.mailflow.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.feedback.FunnelEvent.Kind;
import org.junit.jupiter.api.Test;

class DpContributionTest {
    private static FunnelEvent e(Kind kind, double revenue) {
        return new FunnelEvent(kind, "ann", "c1", "A", false, "r1", "<r1>", revenue, 0);
    }

    @Test
    void aHeavyUserIsClippedToTheBound() {
        DpContribution c = DpContribution.empty();
        for (int i = 0; i < 5; i++) {
            c = c.add(e(Kind.SENT, 0))
                    .add(e(Kind.OPENED, 0))
                    .add(e(Kind.OPENED, 0))
                    .add(e(Kind.CLICKED, 0));
        }
        c = c.add(e(Kind.CONVERTED, 300.0)).add(e(Kind.REVENUE, 250.5)).add(e(Kind.CONVERTED, 10));
        assertThat(c).isEqualTo(new DpContribution("c1", 5, 10, 5, 2, 56_050));
        assertThat(c.clip(1, 10_000)).isEqualTo(new DpContribution("c1", 1, 1, 1, 1, 10_000));
        assertThat(c.clip(3, 100_000)).isEqualTo(new DpContribution("c1", 3, 3, 3, 2, 56_050));
    }

    @Test
    void onlyTheJobsOwnSendsAndWhatFollowedThemContribute() {
        assertThat(DpContribution.counts(e(Kind.SENT, 0))).isTrue();
        assertThat(DpContribution.counts(e(Kind.REVENUE, 1))).isTrue();
        assertThat(DpContribution.counts(e(Kind.MACHINE_OPENED, 0))).isFalse();
        assertThat(DpContribution.counts(e(Kind.PURCHASE, 1))).isFalse();
        assertThat(DpContribution.counts(new FunnelEvent(Kind.ASSIGNED, "bo", "c1", "holdout", true, "r", null, 0, 0)))
                .isFalse();
        assertThat(DpContribution.counts(new FunnelEvent(Kind.CONVERTED, "bo", "c1", "holdout", true, "r", null, 9, 0)))
                .isFalse();
    }
}
