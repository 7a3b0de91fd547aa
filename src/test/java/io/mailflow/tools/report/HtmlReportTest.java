package io.mailflow.tools.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mailflow.feedback.CampaignStats;
import io.mailflow.feedback.CampaignTally;
import io.mailflow.feedback.FunnelEvent;
import io.mailflow.feedback.Roi;
import io.mailflow.model.CampaignCosts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    @Test
    void oneSelfContainedFileWithEverySection() {
        String html = HtmlReport.render(SampleReportData.create(), Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
        assertThat(html)
                .contains(
                        "Funnel per campaign",
                        "abandoned-cart",
                        "winback",
                        "Segment sizes over time",
                        "AUC of served scores",
                        "Deliveries and failures",
                        "holdout");
        // nothing is fetched: no scripts, stylesheets, images or frames from anywhere
        assertThat(html).doesNotContain("<script", "<link", "<img", "<iframe", "url(");
        assertThat(Pattern.compile("(src|href)=").matcher(html).find()).isFalse();
        assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://", "https://");
        assertThat(html.split("<svg ", -1)).hasSize(1 + 2 + 3); // two funnels, segments, AUC, deliveries
    }

    @Test
    void differentiallyPrivateFiguresAreShownWithTheirEpsilonAndRefusals() {
        var laplace = io.mailflow.privacy.NoiseMechanism.LAPLACE;
        List<io.mailflow.feedback.DpCampaignStats> dp = List.of(
                new io.mailflow.feedback.DpCampaignStats(
                        "promo", 0, 3_600_000, true, laplace, 1.0, 0, 1.0, 2.0, 1, 100, 7.06, 706, 1003L, 251L, 38L,
                        11L, 612.5, 0),
                new io.mailflow.feedback.DpCampaignStats(
                        "promo", 3_600_000, 7_200_000, true, laplace, 1.0, 0, 2.0, 2.0, 1, 100, 7.06, 706, 997L, 249L,
                        42L, 9L, 587.5, 0),
                new io.mailflow.feedback.DpCampaignStats(
                        "promo",
                        7_200_000,
                        10_800_000,
                        false,
                        laplace,
                        0,
                        0,
                        2.0,
                        2.0,
                        1,
                        100,
                        7.06,
                        706,
                        null,
                        null,
                        null,
                        null,
                        null,
                        1));
        String html =
                HtmlReport.render(new ReportData(List.of(), List.of(), List.of(), List.of(), "dp", dp), Instant.EPOCH);
        assertThat(html)
                .contains("Differentially private figures")
                .contains("<td>promo</td><td>laplace</td><td>2</td><td>1</td><td>2,000</td><td>500</td>")
                .contains("25.0%")
                .contains("&epsilon; = 2.00 / 2.00")
                .contains("<td>10.0</td>"); // 7.06 x sqrt(2 windows)
        String without =
                HtmlReport.render(new ReportData(List.of(), List.of(), List.of(), List.of(), "x"), Instant.EPOCH);
        assertThat(without).doesNotContain("Differentially private");
    }

    @Test
    void emptyDataSaysSoInsteadOfDrawingEmptyCharts() {
        String html =
                HtmlReport.render(new ReportData(List.of(), List.of(), List.of(), List.of(), "nothing"), Instant.EPOCH);
        assertThat(html)
                .contains(
                        "No campaign statistics yet",
                        "No segment assignments yet",
                        "No model versions",
                        "No send results yet")
                .doesNotContain("<svg");
    }

    @Test
    void totalsSumTheLastRecordOfEachWindowAndRecomputeTheLift() {
        Map<String, List<CampaignTotals>> totals =
                CampaignTotals.of(SampleReportData.create().stats());
        List<CampaignTotals> cart = totals.get("abandoned-cart");
        assertThat(cart).extracting(CampaignTotals::variant).containsExactly("A", "B", "holdout");
        CampaignTotals b = cart.get(1);
        CampaignTotals holdout = cart.get(2);
        assertThat(b.lift().variantRate()).isEqualTo((double) b.conversions() / b.audience());
        assertThat(b.lift().holdoutRate()).isEqualTo((double) holdout.conversions() / holdout.audience());
        assertThat(holdout.lift()).isNull();
        assertThat(totals.get("winback"))
                .singleElement()
                .satisfies(t -> assertThat(t.lift()).isNull());
    }

    @Test
    void totalsCarryIncrementalRevenueAndRoiAndTheCampaignsRoiAddsItsFixedCostOnce() {
        CampaignTally t = CampaignTally.empty();
        for (int i = 0; i < 100; i++) {
            t = t.add(new FunnelEvent(FunnelEvent.Kind.SENT, "u", "c", "A", false, "r", "m", 0, 0));
        }
        for (int i = 0; i < 10; i++) {
            t = t.add(new FunnelEvent(FunnelEvent.Kind.CONVERTED, "u", "c", "A", false, "r", "m", 30.0, 0));
        }
        for (int i = 0; i < 50; i++) {
            t = t.add(new FunnelEvent(FunnelEvent.Kind.ASSIGNED, "u", "c", "holdout", true, "r", null, 0, 0));
        }
        t = t.add(new FunnelEvent(FunnelEvent.Kind.CONVERTED, "u", "c", "holdout", true, "r", null, 50.0, 0));
        CampaignCosts costs = new CampaignCosts(0.5, 40.0, 0, 0);
        List<CampaignStats> records = new ArrayList<>();
        for (long w = 0; w < 2; w++) { // two windows with the same counts
            for (CampaignStats s : CampaignStats.of("c", w * 3_600_000L, (w + 1) * 3_600_000L, t.variants())) {
                records.add(s.withCosts(costs));
            }
        }
        List<CampaignTotals> c = CampaignTotals.of(records).get("c");
        CampaignTotals a = c.get(0);
        // 600 revenue of 200 e-mails against 1 per holdout user: 400; cost 2 x 100 x 0.5 = 100
        assertThat(a.incrementalRevenue()).isCloseTo(400.0, within(1e-9));
        assertThat(a.cost()).isCloseTo(100.0, within(1e-9));
        assertThat(a.roi()).isCloseTo(3.0, within(1e-9));
        // the fixed cost once, not once per window: (400 - 140) / 140
        Roi campaign = CampaignTotals.campaignRoi(c);
        assertThat(campaign.cost()).isCloseTo(140.0, within(1e-9));
        assertThat(campaign.roi()).isCloseTo(260.0 / 140.0, within(1e-9));
        assertThat(c.get(1).roi()).isNull(); // the holdout
    }

    @Test
    void bucketsKeepChartsReadable() {
        long hour = 3_600_000L;
        assertThat(HtmlReport.bucket(0, 10 * hour)).isEqualTo(hour);
        assertThat(HtmlReport.bucket(0, 100 * hour)).isEqualTo(3 * hour);
        assertThat(HtmlReport.bucket(0, 60 * 24 * hour)).isEqualTo(48 * hour);
    }
}
