package io.mailflow.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mailflow.feedback.FunnelEvent.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class CampaignStatsTest {

    private static FunnelEvent e(Kind kind, String variant, double revenue) {
        return new FunnelEvent(kind, "u", "c1", variant, Funnel.isHoldout(variant), "r", "m", revenue, 0);
    }

    private static CampaignTally tally(String variant, int n, Kind kind, double revenue) {
        CampaignTally t = CampaignTally.empty();
        for (int i = 0; i < n; i++) {
            t = t.add(e(kind, variant, revenue));
        }
        return t;
    }

    @Test
    void ratesDivideByTheAudienceAndLiftComparesWithTheHoldout() {
        CampaignTally t = tally("A", 100, Kind.SENT, 0)
                .merge(tally("A", 40, Kind.OPENED, 0))
                .merge(tally("A", 7, Kind.MACHINE_OPENED, 0))
                .merge(tally("A", 10, Kind.CLICKED, 0))
                .merge(tally("A", 8, Kind.CONVERTED, 25.0))
                .merge(tally("A", 2, Kind.REVENUE, 10.0))
                .merge(tally("holdout", 50, Kind.ASSIGNED, 0))
                .merge(tally("holdout", 2, Kind.CONVERTED, 25.0));

        List<CampaignStats> stats = CampaignStats.of("c1", 0, 3_600_000, t.variants());
        CampaignStats a =
                stats.stream().filter(s -> s.variant().equals("A")).findFirst().orElseThrow();
        assertThat(a.audience()).isEqualTo(100);
        assertThat(a.openRate()).isCloseTo(0.40, within(1e-12)); // machine opens do not count
        assertThat(a.machineOpens()).isEqualTo(7);
        assertThat(a.clickRate()).isCloseTo(0.10, within(1e-12));
        assertThat(a.conversionRate()).isCloseTo(0.08, within(1e-12));
        assertThat(a.revenue()).isCloseTo(220.0, within(1e-9)); // 8 x 25 + 2 x 10
        assertThat(a.revenuePerSend()).isCloseTo(2.2, within(1e-12));
        assertThat(a.holdoutConversionRate()).isCloseTo(0.04, within(1e-12));
        assertThat(a.lift()).isCloseTo(0.04, within(1e-12));
        assertThat(a.relativeLift()).isCloseTo(1.0, within(1e-12));
        Lift expected = Lift.of(8, 100, 2, 50);
        assertThat(a.liftLow()).isEqualTo(expected.low());
        assertThat(a.liftHigh()).isEqualTo(expected.high());

        CampaignStats h =
                stats.stream().filter(CampaignStats::holdout).findFirst().orElseThrow();
        assertThat(h.audience()).isEqualTo(50);
        assertThat(h.sent()).isZero();
        assertThat(h.conversionRate()).isCloseTo(0.04, within(1e-12));
        assertThat(h.lift()).isNull();
    }

    @Test
    void withoutAHoldoutThereIsNoLiftAndEmptyAudiencesGiveZeroRates() {
        List<CampaignStats> stats = CampaignStats.of(
                "c1", 0, 1, tally("default", 3, Kind.CLICKED, 0).variants());
        assertThat(stats).singleElement().satisfies(s -> {
            assertThat(s.lift()).isNull();
            assertThat(s.clickRate()).isZero();
            assertThat(s.conversionRate()).isZero();
        });
    }
}
