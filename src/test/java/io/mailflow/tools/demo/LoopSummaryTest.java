package io.mailflow.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mailflow.feedback.CampaignStats;
import io.mailflow.feedback.Lift;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary's figures from fixed statistics records: totals, the later record of a window, lift, ROI, predictions. */
class LoopSummaryTest {
    private static final long W = 600_000;

    @Test
    void figuresFromTheJobsRecords() {
        List<CampaignStats> records = List.of(
                // the first record of window 0 is replaced by the later one (allowed lateness)
                stats("abandoned-cart", "A", false, 0, 60, 60, 20, 8, 5, 400, 1, 3),
                stats("abandoned-cart", "A", false, 0, 60, 60, 30, 12, 9, 720, 2, 3),
                stats("abandoned-cart", "A", false, W, 40, 40, 20, 8, 6, 480, 1, 2),
                stats("abandoned-cart", "holdout", true, 0, 20, 0, 0, 0, 1, 80, 0, 0),
                stats("abandoned-cart", "global-control", true, 0, 10, 0, 0, 0, 0, 0, 0, 0),
                stats("_programme", "mailed", false, 0, 60, 60, 30, 12, 9, 720, 2, 0),
                stats("_programme", "mailed", false, W, 40, 40, 20, 8, 6, 480, 1, 0),
                stats("_programme", "global-control", true, 0, 10, 0, 0, 0, 0, 0, 0, 0));
        LoopSummary s = LoopSummary.of(records, new RecipientBehaviour(1, RecipientBehaviour.DEFAULT_RATES));

        assertThat(s.sent()).isEqualTo(100);
        assertThat(s.openRate()).isEqualTo(0.5);
        assertThat(s.clickRate()).isEqualTo(0.2);
        assertThat(s.unsubscribes()).isEqualTo(3);
        assertThat(s.conversionRate()).isEqualTo(0.15);
        assertThat(s.controlAudience()).isEqualTo(10);
        assertThat(s.lift()).isEqualTo(Lift.of(15, 100, 0, 10));
        // incremental 1200 - 100 x 80/20 = 800; variable cost 3 + 2 (the later record of window 0) + fixed 20 = 25
        assertThat(s.roi().incrementalRevenue()).isCloseTo(800, within(1e-9));
        assertThat(s.roi().cost()).isCloseTo(25, within(1e-9));
        assertThat(s.roi().roi()).isCloseTo(31, within(1e-9));
        RecipientBehaviour.Rates cart = RecipientBehaviour.DEFAULT_RATES.get("abandoned-cart");
        assertThat(s.expected().openRate()).isCloseTo(cart.expectedOpenRate(), within(1e-12));
        assertThat(s.expected().clickRate()).isCloseTo(cart.expectedClickRate(), within(1e-12));
        assertThat(s.expected().conversionRate()).isCloseTo(cart.expectedMailedConversion(), within(1e-12));
        assertThat(s.expected().controlRate()).isCloseTo(cart.baseline(), within(1e-12));
        assertThat(s.lines())
                .anySatisfy(l -> assertThat(l)
                        .contains("abandoned-cart")
                        .contains("50.0%")
                        .contains("31.00"))
                .anySatisfy(l -> assertThat(l).contains("all e-mails vs control group"));
    }

    private static CampaignStats stats(
            String campaign,
            String variant,
            boolean holdout,
            long start,
            long audience,
            long sent,
            long opens,
            long clicks,
            long conversions,
            double revenue,
            long unsubscribes,
            double cost) {
        return new CampaignStats(
                campaign,
                variant,
                holdout,
                start,
                start + W,
                audience,
                sent,
                0,
                sent,
                opens,
                0,
                clicks,
                conversions,
                revenue,
                unsubscribes,
                0,
                0,
                0,
                0,
                0,
                0,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                cost,
                campaign.startsWith("_") ? 0 : 20,
                null);
    }
}
