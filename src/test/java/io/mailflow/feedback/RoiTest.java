package io.mailflow.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mailflow.feedback.FunnelEvent.Kind;
import io.mailflow.model.CampaignCosts;
import io.mailflow.model.ControlGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Flink-free ROI math: incremental revenue against the holdout, costs, ROI; and the programme's line. */
class RoiTest {

    private static FunnelEvent e(String campaign, Kind kind, String variant, double revenue) {
        boolean holdout = Funnel.isHoldout(variant) || ControlGroup.isControl(variant);
        return new FunnelEvent(kind, "u", campaign, variant, holdout, "r", "m", revenue, 0);
    }

    private static CampaignTally tally(CampaignTally t, String variant, int n, Kind kind, double revenue) {
        for (int i = 0; i < n; i++) {
            t = t.add(e("c1", kind, variant, revenue));
        }
        return t;
    }

    @Test
    void incrementalRevenueIsRevenueAboveWhatTheHoldoutsRevenuePerUserPredicts() {
        // 200 e-mailed users spent 1,000; 100 holdout users spent 300 -> 3 per user, 600 expected without e-mail
        assertThat(Roi.incrementalRevenue(1000.0, 200, 300.0, 100)).isCloseTo(400.0, within(1e-9));
        // the e-mail did worse than nothing: negative
        assertThat(Roi.incrementalRevenue(100.0, 200, 300.0, 100)).isCloseTo(-500.0, within(1e-9));
        assertThat(Roi.incrementalRevenue(1000.0, 200, 0.0, 0)).isNull();
    }

    @Test
    void roiIsIncrementalRevenueMinusCostOverCost() {
        Roi r = Roi.of(400.0, 100.0);
        assertThat(r.roi()).isCloseTo(3.0, within(1e-12));
        assertThat(Roi.of(50.0, 100.0).roi()).isCloseTo(-0.5, within(1e-12));
        assertThat(Roi.of(100.0, 100.0).roi()).isZero(); // break-even
        assertThat(Roi.of(400.0, 0.0)).isNull(); // no cost: no ROI
        assertThat(Roi.of(null, 100.0)).isNull(); // no holdout: no ROI
        assertThat(Roi.of(Double.NaN, 100.0)).isNull();
    }

    @Test
    void variableCostIsEmailsAndCoupons() {
        CampaignCosts share = new CampaignCosts(0.01, 500, 0.10, 0);
        // 1,000 e-mails at 0.01 + 10% of 2,000 revenue; the fixed cost is not variable
        assertThat(share.variableCost(1000, 40, 2000.0)).isCloseTo(10.0 + 200.0, within(1e-9));
        CampaignCosts perConversion = new CampaignCosts(0.02, 0, 0, 5.0);
        assertThat(perConversion.variableCost(1000, 40, 2000.0)).isCloseTo(20.0 + 200.0, within(1e-9));
        assertThat(CampaignCosts.NONE.any()).isFalse();
        assertThat(share.any()).isTrue();
    }

    @Test
    void statisticsCarryIncrementalRevenueAndTheirCostsGiveTheWindowsRoi() {
        CampaignTally t = CampaignTally.empty();
        t = tally(t, "A", 200, Kind.SENT, 0);
        t = tally(t, "A", 20, Kind.CONVERTED, 50.0); // 1,000 revenue
        t = tally(t, "holdout", 100, Kind.ASSIGNED, 0);
        t = tally(t, "holdout", 6, Kind.CONVERTED, 50.0); // 300 revenue, 3 per user
        List<CampaignStats> stats = CampaignStats.of("c1", 0, 3_600_000, t.variants());
        CampaignStats a =
                stats.stream().filter(s -> s.variant().equals("A")).findFirst().orElseThrow();
        assertThat(a.holdoutRevenuePerUser()).isCloseTo(3.0, within(1e-12));
        assertThat(a.incrementalRevenue()).isCloseTo(400.0, within(1e-9));
        assertThat(a.roi()).isNull(); // costs are added downstream

        // 200 e-mails at 0.25 = 50, coupons 5% of 1,000 = 50: cost 100, ROI (400 - 100) / 100 = 3
        CampaignStats costed = a.withCosts(new CampaignCosts(0.25, 1000, 0.05, 0));
        assertThat(costed.cost()).isCloseTo(100.0, within(1e-9));
        assertThat(costed.fixedCost()).isEqualTo(1000.0);
        assertThat(costed.roi()).isCloseTo(3.0, within(1e-9));
        assertThat(costed.lift()).isEqualTo(a.lift());

        CampaignStats h =
                stats.stream().filter(CampaignStats::holdout).findFirst().orElseThrow();
        CampaignStats holdoutCosted = h.withCosts(new CampaignCosts(0.25, 1000, 0.05, 0));
        assertThat(holdoutCosted.cost()).isZero(); // no e-mail, no coupon
        assertThat(holdoutCosted.roi()).isNull();
        assertThat(a.withCosts(null).roi()).isNull();
    }

    @Test
    void aCampaignIsComparedWithItsOwnHoldoutNotWithTheGlobalControlGroup() {
        CampaignTally t = CampaignTally.empty();
        t = tally(t, "A", 100, Kind.SENT, 0);
        t = tally(t, "A", 10, Kind.CONVERTED, 10.0);
        t = tally(t, ControlGroup.VARIANT, 100, Kind.ASSIGNED, 0);
        t = tally(t, ControlGroup.VARIANT, 1, Kind.CONVERTED, 10.0);
        List<CampaignStats> only = CampaignStats.of("c1", 0, 1, t.variants());
        // no campaign holdout in the window: no lift, even though control-group users triggered the campaign
        assertThat(only).allSatisfy(s -> assertThat(s.lift()).isNull());

        t = tally(t, "holdout", 50, Kind.ASSIGNED, 0);
        t = tally(t, "holdout", 4, Kind.CONVERTED, 10.0);
        CampaignStats a = CampaignStats.of("c1", 0, 1, t.variants()).stream()
                .filter(s -> s.variant().equals("A"))
                .findFirst()
                .orElseThrow();
        assertThat(a.holdoutConversionRate()).isCloseTo(0.08, within(1e-12)); // 4/50, not (4+1)/150
    }

    @Test
    void theProgrammeLineComparesEveryMailedEmailWithTheGlobalControlGroup() {
        List<FunnelEvent> events = List.of(
                e("c1", Kind.SENT, "A", 0),
                e("c2", Kind.SENT, "B", 0),
                e("c1", Kind.CONVERTED, "A", 20.0),
                e("c1", Kind.ASSIGNED, "holdout", 0), // a campaign's own holdout: not in the programme
                e("c2", Kind.ASSIGNED, ControlGroup.VARIANT, 0),
                e("c1", Kind.ASSIGNED, ControlGroup.VARIANT, 0));
        CampaignTally t = CampaignTally.empty();
        for (FunnelEvent x : events) {
            FunnelEvent copy = Funnel.programme(x);
            if (copy != null) {
                assertThat(copy.campaignId()).isEqualTo(Funnel.PROGRAMME);
                t = t.add(copy);
            }
        }
        assertThat(Funnel.programme(Funnel.programme(events.get(0)))).isNull(); // never copied twice
        List<CampaignStats> stats = CampaignStats.of(Funnel.PROGRAMME, 0, 1, t.variants());
        CampaignStats mailed = stats.stream()
                .filter(s -> s.variant().equals(Funnel.MAILED))
                .findFirst()
                .orElseThrow();
        CampaignStats control =
                stats.stream().filter(CampaignStats::holdout).findFirst().orElseThrow();
        assertThat(mailed.audience()).isEqualTo(2);
        assertThat(mailed.conversions()).isEqualTo(1);
        assertThat(control.variant()).isEqualTo(Funnel.CONTROL);
        assertThat(control.audience()).isEqualTo(2);
        Lift expected = Lift.of(1, 2, 0, 2);
        assertThat(mailed.lift()).isEqualTo(expected.absolute());
        assertThat(mailed.liftLow()).isEqualTo(expected.low());
        assertThat(mailed.liftHigh()).isEqualTo(expected.high());
        assertThat(mailed.incrementalRevenue()).isCloseTo(20.0, within(1e-9));
    }
}
