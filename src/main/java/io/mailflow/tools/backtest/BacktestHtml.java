package io.mailflow.tools.backtest;

import io.mailflow.email.HtmlEscaper;
import io.mailflow.tools.report.Svg;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * Renders a {@link BacktestSummary} as one self-contained HTML file (inline CSS and SVG charts from {@link Svg}, no
 * script, no external resource). Plain Java.
 */
public final class BacktestHtml {
    private static final DateTimeFormatter FULL =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private BacktestHtml() {}

    public static String render(BacktestSummary s, Instant generatedAt) {
        StringBuilder sb = new StringBuilder(32 * 1024);
        sb.append(
                        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Mailflow backtest</title><style>")
                .append("body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px auto;")
                .append("max-width:1000px;color:#222;background:#fff}h1{margin:0 0 4px}")
                .append("h2{margin-top:32px;border-bottom:2px solid #0072B2;padding-bottom:4px}.sub{color:#666}")
                .append(".tiles{display:flex;flex-wrap:wrap;gap:12px;margin-top:16px}")
                .append(".tile{background:#f2f6fa;border-radius:8px;padding:10px 16px;min-width:110px}")
                .append(".tile b{display:block;font-size:22px}table{border-collapse:collapse;margin:8px 0 16px;")
                .append("font-size:14px}th,td{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}")
                .append("th:first-child,td:first-child{text-align:left}td.l{text-align:left}")
                .append(".mail{border:1px solid #ccc;border-radius:6px;padding:8px 12px;margin:8px 0}")
                .append(".mail b{display:block}.none{color:#999;font-style:italic}")
                .append(
                        "svg .grid{stroke:#e5e5e5}svg .tick{font-size:11px;fill:#555}svg .legend{font-size:12px;fill:#333}")
                .append("</style></head><body>");
        sb.append("<h1>Mailflow backtest</h1><div class=\"sub\">Generated ")
                .append(FULL.format(generatedAt))
                .append(" from ")
                .append(esc(s.source()))
                .append(
                        s.firstEvent() > 0
                                ? ", history " + FULL.format(Instant.ofEpochMilli(s.firstEvent())) + " to "
                                        + FULL.format(Instant.ofEpochMilli(s.lastEvent()))
                                : "")
                .append(". A dry run of the production topology: nothing was sent.</div>");
        sb.append("<div class=\"tiles\">");
        tile(sb, "records read", s.inputRecords() < 0 ? "-" : Long.toString(s.inputRecords()));
        tile(sb, "e-mails", Long.toString(s.totalEmails()));
        tile(sb, "holdout", Long.toString(s.totalHoldouts()));
        tile(sb, "deferrals", Long.toString(s.totalDeferrals()));
        tile(sb, "drops", Long.toString(s.totalDrops()));
        tile(sb, "dead letters", Long.toString(s.deadLetterTotal()));
        sb.append("</div>");

        sb.append("<h2>Per campaign and variant</h2><table><tr><th>campaign</th><th>variant</th><th>e-mails</th>")
                .append("<th>holdout</th><th>deferrals</th><th>drops</th><th>deferred at the end</th></tr>");
        for (BacktestSummary.CampaignRow r : s.campaigns()) {
            sb.append("<tr><td>")
                    .append(esc(r.campaignId()))
                    .append("</td><td class=\"l\">")
                    .append(esc(r.variant()))
                    .append("</td><td>")
                    .append(r.emails())
                    .append("</td><td>")
                    .append(r.holdouts())
                    .append("</td><td>")
                    .append(r.deferrals())
                    .append("</td><td>")
                    .append(r.drops())
                    .append("</td><td>")
                    .append(r.deferredAtEnd())
                    .append("</td></tr>");
        }
        sb.append("</table>");

        sb.append("<h2>E-mails per day and variant</h2>");
        if (s.sendsPerDay().isEmpty()) {
            sb.append("<p class=\"none\">No e-mail would have been sent.</p>");
        } else {
            List<String> days = new ArrayList<>(s.sendsPerDay().keySet());
            TreeSet<String> keys = new TreeSet<>();
            s.sendsPerDay().values().forEach(m -> keys.addAll(m.keySet()));
            List<Svg.Series> series = new ArrayList<>();
            for (String k : keys) {
                double[] v = new double[days.size()];
                for (int i = 0; i < days.size(); i++) {
                    v[i] = s.sendsPerDay().get(days.get(i)).getOrDefault(k, 0L);
                }
                series.add(new Svg.Series(k, v));
            }
            sb.append(Svg.columns(days, series, true, BacktestHtml::count));
        }

        reasons(sb, "Deferrals by reason", s.deferrals(), "No deferral.");
        reasons(sb, "Drops by reason", s.drops(), "No drop.");
        reasons(sb, "Dead letters by stage and reason", s.deadLetters(), "No rejected record.");

        sb.append("<h2>Recipients' segments and scores</h2>");
        if (s.totalEmails() == 0) {
            sb.append("<p class=\"none\">No recipient.</p>");
        } else {
            List<String> segs = new ArrayList<>(s.segments().keySet());
            double[] sv = segs.stream().mapToDouble(k -> s.segments().get(k)).toArray();
            sb.append(Svg.columns(segs, List.of(new Svg.Series("e-mails", sv)), false, BacktestHtml::count));
            if (s.unscored() < s.totalEmails()) { // a chart of zeros says nothing
                List<String> bins = new ArrayList<>();
                double[] bv = new double[s.scoreBins().length];
                for (int i = 0; i < bv.length; i++) {
                    bins.add(String.format(Locale.ROOT, "%.1f-%.1f", i / 10.0, (i + 1) / 10.0));
                    bv[i] = s.scoreBins()[i];
                }
                sb.append(Svg.columns(
                        bins, List.of(new Svg.Series("e-mails by propensity score", bv)), false, BacktestHtml::count));
            }
            sb.append("<p class=\"sub\">")
                    .append(s.unscored())
                    .append(" e-mailed recipients had no score yet when the trigger was decided.</p>");
        }

        sb.append("<h2>Conversions and lift against the holdout</h2>");
        if (s.outcomes().isEmpty()) {
            sb.append("<p class=\"none\">The history has no purchases after the decisions.</p>");
        } else {
            sb.append("<table><tr><th>campaign</th><th>variant</th><th>e-mailed</th><th>converted</th>")
                    .append("<th>held out</th><th>converted</th><th>lift (95% interval)</th></tr>");
            for (BacktestSummary.Outcome o : s.outcomes()) {
                sb.append("<tr><td>")
                        .append(esc(o.campaignId()))
                        .append("</td><td class=\"l\">")
                        .append(esc(o.variant()))
                        .append("</td><td>")
                        .append(o.emailed())
                        .append("</td><td>")
                        .append(o.emailedConverted())
                        .append("</td><td>")
                        .append(o.heldOut())
                        .append("</td><td>")
                        .append(o.heldOutConverted())
                        .append("</td><td>")
                        .append(
                                o.lift() == null
                                        ? "no holdout"
                                        : String.format(
                                                Locale.ROOT,
                                                "%+.2f pp [%+.2f, %+.2f]",
                                                100 * o.lift().absolute(),
                                                100 * o.lift().low(),
                                                100 * o.lift().high()))
                        .append("</td></tr>");
            }
            sb.append("</table><p class=\"sub\">A user converts with a purchase within ")
                    .append(s.attributionWindowMs() / 3_600_000L)
                    .append(" h after the decision. History that never saw these e-mails measures what the users did")
                    .append(" anyway: the lift should be zero, and an interval excluding zero points at an unbalanced")
                    .append(" holdout.</p>");
        }

        sb.append("<h2>Sample e-mails</h2>");
        if (s.samples().isEmpty()) {
            sb.append("<p class=\"none\">No e-mail.</p>");
        }
        for (BacktestSummary.Sample m : s.samples()) {
            sb.append("<div class=\"mail\"><b>")
                    .append(esc(m.subject()))
                    .append("</b><span class=\"sub\">")
                    .append(esc(m.campaignId()))
                    .append(" / ")
                    .append(esc(m.variant()))
                    .append(", user ")
                    .append(esc(m.userId()))
                    .append(", ")
                    .append(FULL.format(Instant.ofEpochMilli(m.at())))
                    .append("</span><p>")
                    .append(esc(m.excerpt()))
                    .append("</p></div>");
        }
        sb.append("</body></html>\n");
        return sb.toString();
    }

    private static void reasons(StringBuilder sb, String title, SortedMap<String, Long> m, String empty) {
        sb.append("<h2>").append(esc(title)).append("</h2>");
        if (m.isEmpty()) {
            sb.append("<p class=\"none\">").append(esc(empty)).append("</p>");
            return;
        }
        sb.append("<table><tr><th>reason</th><th>count</th></tr>");
        for (Map.Entry<String, Long> e : m.entrySet()) {
            sb.append("<tr><td>")
                    .append(esc(e.getKey()))
                    .append("</td><td>")
                    .append(e.getValue())
                    .append("</td></tr>");
        }
        sb.append("</table>");
    }

    private static void tile(StringBuilder sb, String label, String value) {
        sb.append("<div class=\"tile\"><b>")
                .append(esc(value))
                .append("</b>")
                .append(esc(label))
                .append("</div>");
    }

    private static String esc(String v) {
        return HtmlEscaper.escape(v);
    }

    private static String count(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
