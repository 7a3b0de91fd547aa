package io.mailflow.tools.backtest;

import io.mailflow.model.DryRunDecision;
import java.util.List;
import java.util.Locale;

/**
 * The CSV forms of a backtest: a long-format summary ({@code section,campaign,variant,key,value}) and one row per
 * decision (user ids, never addresses). Plain Java.
 */
public final class BacktestCsv {
    private BacktestCsv() {}

    public static String summary(BacktestSummary s) {
        StringBuilder sb = new StringBuilder("section,campaign,variant,key,value\n");
        row(sb, "input", "", "", "records", s.inputRecords());
        row(sb, "input", "", "", "dead letters", s.deadLetterTotal());
        for (BacktestSummary.CampaignRow r : s.campaigns()) {
            row(sb, "campaign", r.campaignId(), r.variant(), "e-mails", r.emails());
            row(sb, "campaign", r.campaignId(), r.variant(), "holdout", r.holdouts());
            row(sb, "campaign", r.campaignId(), r.variant(), "deferrals", r.deferrals());
            row(sb, "campaign", r.campaignId(), r.variant(), "drops", r.drops());
            row(sb, "campaign", r.campaignId(), r.variant(), "deferred at the end", r.deferredAtEnd());
        }
        s.sendsPerDay()
                .forEach((day, m) -> m.forEach((key, n) -> {
                    int slash = key.indexOf('/');
                    row(sb, "e-mails per day", key.substring(0, slash), key.substring(slash + 1), day, n);
                }));
        s.deferrals().forEach((k, n) -> row(sb, "deferral reason", "", "", k, n));
        s.drops().forEach((k, n) -> row(sb, "drop reason", "", "", k, n));
        s.deadLetters().forEach((k, n) -> row(sb, "dead letter", "", "", k, n));
        s.segments().forEach((k, n) -> row(sb, "recipient segment", "", "", k, n));
        for (int i = 0; i < s.scoreBins().length; i++) {
            row(
                    sb,
                    "recipient score",
                    "",
                    "",
                    String.format(Locale.ROOT, "%.1f-%.1f", i / 10.0, (i + 1) / 10.0),
                    s.scoreBins()[i]);
        }
        row(sb, "recipient score", "", "", "unknown", s.unscored());
        for (BacktestSummary.Outcome o : s.outcomes()) {
            row(sb, "outcome", o.campaignId(), o.variant(), "e-mailed", o.emailed());
            row(sb, "outcome", o.campaignId(), o.variant(), "e-mailed converted", o.emailedConverted());
            row(sb, "outcome", o.campaignId(), o.variant(), "held out", o.heldOut());
            row(sb, "outcome", o.campaignId(), o.variant(), "held out converted", o.heldOutConverted());
            if (o.lift() != null) {
                row(sb, "outcome", o.campaignId(), o.variant(), "lift", o.lift().absolute());
                row(
                        sb,
                        "outcome",
                        o.campaignId(),
                        o.variant(),
                        "lift low 95%",
                        o.lift().low());
                row(
                        sb,
                        "outcome",
                        o.campaignId(),
                        o.variant(),
                        "lift high 95%",
                        o.lift().high());
            }
        }
        return sb.toString();
    }

    /** One row per decision, in event time order: request, campaign, variant, user id, decision, reason, subject. */
    public static String decisions(List<DryRunDecision> decisions) {
        StringBuilder sb =
                new StringBuilder("at,requestId,campaignId,variant,userId,trigger,decision,reason,until,subject\n");
        decisions.stream()
                .sorted(java.util.Comparator.comparingLong(DryRunDecision::at)
                        .thenComparing(DryRunDecision::requestId)
                        .thenComparing(d -> d.decision().ordinal()))
                .forEach(d -> sb.append(d.at())
                        .append(',')
                        .append(field(d.requestId()))
                        .append(',')
                        .append(field(d.campaignId()))
                        .append(',')
                        .append(field(d.variant()))
                        .append(',')
                        .append(field(d.userId()))
                        .append(',')
                        .append(field(d.trigger()))
                        .append(',')
                        .append(d.decision())
                        .append(',')
                        .append(field(BacktestAggregator.clean(d.reason())))
                        .append(',')
                        .append(d.until())
                        .append(',')
                        .append(field(d.subject().isEmpty() ? "" : BacktestAggregator.clean(d.subject())))
                        .append('\n'));
        return sb.toString();
    }

    private static void row(StringBuilder sb, String section, String campaign, String variant, String key, Object v) {
        sb.append(field(section))
                .append(',')
                .append(field(campaign))
                .append(',')
                .append(field(variant))
                .append(',')
                .append(field(key))
                .append(',')
                .append(v instanceof Double d ? String.format(Locale.ROOT, "%.6f", d) : v)
                .append('\n');
    }

    /** RFC 4180 quoting, and a leading formula character defused for spreadsheets. */
    static String field(String v) {
        if (v == null) {
            return "";
        }
        String s = !v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0 ? "'" + v : v;
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
