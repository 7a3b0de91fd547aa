package io.mailflow.tools.report;

import static io.mailflow.tools.report.Svg.esc;

import io.mailflow.feedback.Funnel;
import io.mailflow.feedback.Lift;
import io.mailflow.feedback.Roi;
import io.mailflow.model.SendResult;
import io.mailflow.scoring.ValidationMetrics;
import io.mailflow.segmentation.SegmentAssignment;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders {@link ReportData} as one self-contained HTML file: inline CSS and SVG, no script and no
 * external resource, so it can be mailed, archived or opened offline. Sections: summary, funnel and
 * statistics per campaign and variant (with lift over the holdout), segment sizes over time, the
 * AUC of the propensity scores the job served, and deliveries and failures over time.
 */
public final class HtmlReport {
    private static final DateTimeFormatter HOUR =
            DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter FULL =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final long HOUR_MS = 3_600_000L;

    private HtmlReport() {}

    public static String render(ReportData data, Instant generatedAt) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append(
                        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Mailflow campaign report</title><style>")
                .append(
                        "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px auto;max-width:1000px;color:#222;background:#fff}")
                .append("h1{margin:0 0 4px}h2{margin-top:36px;border-bottom:2px solid #0072B2;padding-bottom:4px}")
                .append(".sub{color:#666}.tiles{display:flex;flex-wrap:wrap;gap:12px;margin-top:16px}")
                .append(
                        ".tile{background:#f2f6fa;border-radius:8px;padding:10px 16px;min-width:120px}.tile b{display:block;font-size:22px}")
                .append(
                        "table{border-collapse:collapse;margin:8px 0 16px;font-size:14px}th,td{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}")
                .append(
                        "th:first-child,td:first-child{text-align:left}td:last-child{white-space:nowrap}.sig{color:#009E73;font-weight:bold}.none{color:#999;font-style:italic}")
                .append(
                        "svg .grid{stroke:#e5e5e5}svg .tick{font-size:11px;fill:#555}svg .legend{font-size:12px;fill:#333}")
                .append("</style></head><body>");
        sb.append("<h1>Mailflow campaign report</h1><div class=\"sub\">Generated ")
                .append(FULL.format(generatedAt))
                .append(" from ")
                .append(esc(data.source()))
                .append("</div>");
        Map<String, List<CampaignTotals>> campaigns = CampaignTotals.of(data.stats());
        summary(sb, data, campaigns);
        funnels(sb, campaigns);
        DpSection.render(sb, data.dpStats());
        segments(sb, data.segments());
        auc(sb, data.validation());
        deliveries(sb, data.results());
        sb.append(
                        "<p class=\"sub\">Rates divide by e-mails sent (for a holdout: users assigned). Lift is the difference of ")
                .append("conversion rates against the campaign's holdout with a 95% Newcombe hybrid-score interval; ")
                .append("green when the interval excludes zero. Incremental revenue is the revenue above what the ")
                .append("holdout's revenue per user predicts; ROI = (incremental revenue - cost) / cost, per variant ")
                .append(
                        "with its e-mail and coupon costs, per campaign with its fixed cost too. The programme compares ")
                .append("every mailed e-mail with the global control group. See docs/feedback.md.</p></body></html>\n");
        return sb.toString();
    }

    private static void summary(StringBuilder sb, ReportData data, Map<String, List<CampaignTotals>> campaigns) {
        long sent = 0, opens = 0, clicks = 0, conversions = 0, unsubscribes = 0;
        double revenue = 0;
        int count = 0;
        for (Map.Entry<String, List<CampaignTotals>> c : campaigns.entrySet()) {
            if (Funnel.PROGRAMME.equals(c.getKey())) {
                continue; // the programme's line repeats every campaign's e-mails
            }
            count++;
            for (CampaignTotals t : c.getValue()) {
                sent += t.sent();
                opens += t.opens();
                clicks += t.clicks();
                conversions += t.holdout() ? 0 : t.conversions();
                revenue += t.holdout() ? 0 : t.revenue();
                unsubscribes += t.unsubscribes();
            }
        }
        long failed = data.results().stream().filter(SendResult::failed).count();
        sb.append("<div class=\"tiles\">");
        tile(sb, "campaigns", Long.toString(count));
        tile(sb, "e-mails sent", String.format(Locale.ROOT, "%,d", sent));
        tile(sb, "open rate", pct(sent == 0 ? 0 : (double) opens / sent));
        tile(sb, "click rate", pct(sent == 0 ? 0 : (double) clicks / sent));
        tile(sb, "conversions", String.format(Locale.ROOT, "%,d", conversions));
        tile(sb, "attributed revenue", String.format(Locale.ROOT, "%,.2f", revenue));
        tile(sb, "unsubscribes", String.format(Locale.ROOT, "%,d", unsubscribes));
        tile(sb, "delivery failures", String.format(Locale.ROOT, "%,d", failed));
        List<CampaignTotals> programme = campaigns.getOrDefault(Funnel.PROGRAMME, List.of());
        programme.stream()
                .filter(t -> t.lift() != null)
                .findFirst()
                .ifPresent(t -> sb.append("<div class=\"tile\"><b>")
                        .append(lift(t.lift()))
                        .append("</b>programme lift vs global control</div>"));
        sb.append("</div>");
    }

    private static void tile(StringBuilder sb, String label, String value) {
        sb.append("<div class=\"tile\"><b>")
                .append(esc(value))
                .append("</b>")
                .append(esc(label))
                .append("</div>");
    }

    private static void funnels(StringBuilder sb, Map<String, List<CampaignTotals>> campaigns) {
        sb.append("<h2>Funnel per campaign</h2>");
        if (campaigns.isEmpty()) {
            sb.append("<p class=\"none\">No campaign statistics yet.</p>");
            return;
        }
        for (Map.Entry<String, List<CampaignTotals>> c : campaigns.entrySet()) {
            sb.append("<h3>")
                    .append(esc(
                            Funnel.PROGRAMME.equals(c.getKey())
                                    ? "Programme: every mailed e-mail vs the global control group"
                                    : c.getKey()))
                    .append("</h3>");
            List<Svg.Series> series = new ArrayList<>();
            for (CampaignTotals t : c.getValue()) {
                series.add(new Svg.Series(
                        t.holdout() ? holdoutLabel(t.variant()) + " (no e-mail)" : t.variant(),
                        new double[] {t.audience(), t.opens(), t.clicks(), t.conversions()}));
            }
            sb.append(Svg.columns(
                    List.of("sent / assigned", "opened", "clicked", "converted"),
                    series,
                    false,
                    v -> String.format(Locale.ROOT, "%,.0f", v)));
            sb.append(
                            "<table><tr><th>variant</th><th>audience</th><th>open rate</th><th>machine opens</th><th>CTR</th>")
                    .append("<th>conversion rate</th><th>revenue</th><th>revenue / send</th><th>unsubscribes</th>")
                    .append(
                            "<th>lift vs holdout [95% CI]</th><th>incremental revenue</th><th>cost</th><th>ROI</th></tr>");
            for (CampaignTotals t : c.getValue()) {
                sb.append("<tr><td>")
                        .append(esc(t.holdout() ? holdoutLabel(t.variant()) : t.variant()))
                        .append("</td><td>")
                        .append(String.format(Locale.ROOT, "%,d", t.audience()))
                        .append("</td><td>")
                        .append(t.holdout() ? "–" : pct(t.rate(t.opens())))
                        .append("</td><td>")
                        .append(t.machineOpens())
                        .append("</td><td>")
                        .append(t.holdout() ? "–" : pct(t.rate(t.clicks())))
                        .append("</td><td>")
                        .append(pct(t.rate(t.conversions())))
                        .append("</td><td>")
                        .append(String.format(Locale.ROOT, "%,.2f", t.revenue()))
                        .append("</td><td>")
                        .append(String.format(Locale.ROOT, "%,.2f", t.audience() == 0 ? 0 : t.revenue() / t.audience()))
                        .append("</td><td>")
                        .append(t.unsubscribes())
                        .append("</td><td>")
                        .append(lift(t.lift()))
                        .append("</td><td>")
                        .append(money(t.incrementalRevenue()))
                        .append("</td><td>")
                        .append(
                                t.holdout() || Funnel.PROGRAMME.equals(c.getKey())
                                        ? "–" // the programme carries no cost
                                        : String.format(Locale.ROOT, "%,.2f", t.cost()))
                        .append("</td><td>")
                        .append(roi(t.roi()))
                        .append("</td></tr>");
            }
            sb.append("</table>");
            Roi campaign = CampaignTotals.campaignRoi(c.getValue());
            if (campaign != null) {
                sb.append("<p class=\"sub\">Campaign ROI with its fixed cost of ")
                        .append(String.format(
                                Locale.ROOT, "%,.2f", c.getValue().get(0).fixedCost()))
                        .append(": incremental revenue ")
                        .append(money(campaign.incrementalRevenue()))
                        .append(", cost ")
                        .append(String.format(Locale.ROOT, "%,.2f", campaign.cost()))
                        .append(", ROI ")
                        .append(roi(campaign.roi()))
                        .append("</p>");
            }
        }
    }

    private static String holdoutLabel(String variant) {
        return variant.equalsIgnoreCase("holdout") ? variant : variant + " (holdout)";
    }

    private static String money(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%,.2f", v);
    }

    /** ROI as a percentage: (incremental revenue - cost) / cost. */
    private static String roi(Double r) {
        return r == null ? "–" : String.format(Locale.ROOT, "%+.0f%%", 100 * r);
    }

    private static String lift(Lift l) {
        if (l == null) {
            return "–";
        }
        String text = String.format(
                Locale.ROOT, "%+.2f pp [%+.2f, %+.2f]", 100 * l.absolute(), 100 * l.low(), 100 * l.high());
        return l.significant() ? "<span class=\"sig\">" + text + "</span>" : text;
    }

    private static void segments(StringBuilder sb, List<SegmentAssignment> assignments) {
        sb.append("<h2>Segment sizes over time</h2>");
        if (assignments.isEmpty()) {
            sb.append("<p class=\"none\">No segment assignments yet.</p>");
            return;
        }
        List<SegmentAssignment> sorted = new ArrayList<>(assignments);
        sorted.sort(Comparator.comparingLong(SegmentAssignment::asOf));
        long first = sorted.get(0).asOf();
        long last = sorted.get(sorted.size() - 1).asOf();
        long bucket = bucket(first, last);
        TreeSet<Integer> ids = new TreeSet<>();
        sorted.forEach(a -> ids.add(a.segment()));
        Map<String, Integer> current = new HashMap<>();
        List<Double> xs = new ArrayList<>();
        Map<Integer, List<Double>> sizes = new TreeMap<>();
        int i = 0;
        for (long end = floor(first, bucket) + bucket; ; end += bucket) {
            while (i < sorted.size() && sorted.get(i).asOf() < end) {
                current.put(sorted.get(i).userId(), sorted.get(i).segment());
                i++;
            }
            xs.add((double) end);
            for (int id : ids) {
                sizes.computeIfAbsent(id, k -> new ArrayList<>()).add((double)
                        current.values().stream().filter(s -> s == id).count());
            }
            if (i >= sorted.size()) {
                break;
            }
        }
        List<Svg.Series> series = new ArrayList<>();
        sizes.forEach((id, v) -> series.add(new Svg.Series(
                "segment " + id, v.stream().mapToDouble(Double::doubleValue).toArray())));
        sb.append(Svg.lines(
                xs.stream().mapToDouble(Double::doubleValue).toArray(),
                series,
                x -> HOUR.format(Instant.ofEpochMilli((long) x)),
                v -> String.format(Locale.ROOT, "%,.0f", v),
                0,
                Double.NaN));
        sb.append(
                "<p class=\"sub\">Users per segment (each user counted in the segment of their latest assignment), event time.</p>");
    }

    private static void auc(StringBuilder sb, List<ValidationMetrics> metrics) {
        sb.append("<h2>Propensity model: AUC of served scores</h2>");
        List<ValidationMetrics> valid = metrics.stream()
                .filter(m -> !Double.isNaN(m.auc()))
                .sorted(Comparator.comparingLong(ValidationMetrics::examples))
                .toList();
        if (valid.isEmpty()) {
            sb.append("<p class=\"none\">No model versions with a defined AUC yet.</p>");
            return;
        }
        double[] xs = valid.stream().mapToDouble(ValidationMetrics::examples).toArray();
        sb.append(Svg.lines(
                xs,
                List.of(
                        new Svg.Series(
                                "AUC of served scores",
                                valid.stream()
                                        .mapToDouble(ValidationMetrics::auc)
                                        .toArray()),
                        new Svg.Series(
                                "chance", valid.stream().mapToDouble(m -> 0.5).toArray())),
                x -> String.format(Locale.ROOT, "%,.0f", x),
                v -> String.format(Locale.ROOT, "%.2f", v),
                0,
                1));
        ValidationMetrics lastM = valid.get(valid.size() - 1);
        sb.append(String.format(
                Locale.ROOT,
                "<p class=\"sub\">x: served scores evaluated (labelled). Latest: model version %d, AUC %.3f, log loss %.3f, calibration error %.3f over the last %,d.</p>",
                lastM.modelVersion(),
                lastM.auc(),
                lastM.logLoss(),
                lastM.calibrationError(),
                lastM.window()));
    }

    private static void deliveries(StringBuilder sb, List<SendResult> results) {
        sb.append("<h2>Deliveries and failures</h2>");
        List<SendResult> relevant = results.stream()
                .filter(r -> r.sent() || r.failed())
                .sorted(Comparator.comparingLong(SendResult::sentAt))
                .toList();
        if (relevant.isEmpty()) {
            sb.append("<p class=\"none\">No send results yet.</p>");
            return;
        }
        long first = relevant.get(0).sentAt();
        long bucket = bucket(first, relevant.get(relevant.size() - 1).sentAt());
        TreeMap<Long, double[]> perBucket = new TreeMap<>();
        for (long b = floor(first, bucket);
                b <= relevant.get(relevant.size() - 1).sentAt();
                b += bucket) {
            perBucket.put(b, new double[3]);
        }
        for (SendResult r : relevant) {
            double[] c = perBucket.get(floor(r.sentAt(), bucket));
            c[r.sent() ? 0 : SendResult.FAILED_PERMANENT.equals(r.status()) ? 1 : 2]++;
        }
        List<String> labels = perBucket.keySet().stream()
                .map(b -> HOUR.format(Instant.ofEpochMilli(b)))
                .toList();
        sb.append(Svg.columns(
                labels,
                List.of(
                        new Svg.Series(
                                "sent",
                                perBucket.values().stream()
                                        .mapToDouble(c -> c[0])
                                        .toArray()),
                        new Svg.Series(
                                "failed (permanent)",
                                perBucket.values().stream()
                                        .mapToDouble(c -> c[1])
                                        .toArray()),
                        new Svg.Series(
                                "failed (transient, gave up)",
                                perBucket.values().stream()
                                        .mapToDouble(c -> c[2])
                                        .toArray())),
                true,
                v -> String.format(Locale.ROOT, "%,.0f", v)));
        sb.append(String.format(
                Locale.ROOT,
                "<p class=\"sub\">Per %s of wall-clock send time (UTC).</p>",
                bucket >= 24 * HOUR_MS ? "day" : bucket / HOUR_MS + " h"));
    }

    /** A bucket of 1 h, 3 h, 6 h, 12 h or days, so that the span needs at most about 48 of them. */
    static long bucket(long first, long last) {
        long span = Math.max(1, last - first);
        for (long h : new long[] {1, 3, 6, 12, 24}) {
            if (span / (h * HOUR_MS) <= 48) {
                return h * HOUR_MS;
            }
        }
        long days = (long) Math.ceil(span / (48.0 * 24 * HOUR_MS));
        return days * 24 * HOUR_MS;
    }

    private static long floor(long t, long bucket) {
        return Math.floorDiv(t, bucket) * bucket;
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
