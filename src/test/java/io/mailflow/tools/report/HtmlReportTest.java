package io.mailflow.tools.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
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
                        "progressive AUC",
                        "Deliveries and failures",
                        "holdout");
        // nothing is fetched: no scripts, stylesheets, images or frames from anywhere
        assertThat(html).doesNotContain("<script", "<link", "<img", "<iframe", "url(");
        assertThat(Pattern.compile("(src|href)=").matcher(html).find()).isFalse();
        assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://", "https://");
        assertThat(html.split("<svg ", -1)).hasSize(1 + 2 + 3); // two funnels, segments, AUC, deliveries
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
    void bucketsKeepChartsReadable() {
        long hour = 3_600_000L;
        assertThat(HtmlReport.bucket(0, 10 * hour)).isEqualTo(hour);
        assertThat(HtmlReport.bucket(0, 100 * hour)).isEqualTo(3 * hour);
        assertThat(HtmlReport.bucket(0, 60 * 24 * hour)).isEqualTo(48 * hour);
    }
}
