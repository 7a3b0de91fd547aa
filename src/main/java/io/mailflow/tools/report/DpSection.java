package io.mailflow.tools.report;

import static io.mailflow.tools.report.Svg.esc;

import io.mailflow.feedback.DpCampaignStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report's section of differentially private figures, exactly as the job exported them: per campaign,
 * the noisy totals over its released windows, the epsilon each window spent and the campaign's total
 * against its budget, and how many windows were refused. Totals add the windows' noise, so their error
 * grows with the square root of the number of windows (docs/privacy.md).
 */
public final class DpSection {
    private DpSection() {}

    /** Per campaign: released windows, refusals, summed noisy figures, epsilon spent. */
    public record Totals(
            String campaignId,
            int released,
            long refused,
            long sent,
            long opens,
            long clicks,
            long conversions,
            double revenue,
            double epsilonSpent,
            double budgetEpsilon,
            double countNoiseStddev,
            String mechanism) {}

    static List<Totals> totals(List<DpCampaignStats> records) {
        Map<String, List<DpCampaignStats>> byCampaign = new TreeMap<>();
        for (DpCampaignStats r : records) {
            byCampaign.computeIfAbsent(r.campaignId(), k -> new ArrayList<>()).add(r);
        }
        List<Totals> out = new ArrayList<>();
        for (Map.Entry<String, List<DpCampaignStats>> e : byCampaign.entrySet()) {
            int released = 0;
            long refused = 0, sent = 0, opens = 0, clicks = 0, conversions = 0;
            double revenue = 0, spent = 0, budget = 0, sd = 0;
            String mechanism = "";
            for (DpCampaignStats r : e.getValue()) {
                spent = Math.max(spent, r.epsilonSpent());
                budget = r.budgetEpsilon();
                refused = Math.max(refused, r.refusals());
                mechanism = r.mechanism() == null ? "" : r.mechanism().name();
                if (r.released()) {
                    released++;
                    sent += r.sent();
                    opens += r.opens();
                    clicks += r.clicks();
                    conversions += r.conversions();
                    revenue += r.revenue();
                    sd = r.countNoiseStddev();
                }
            }
            out.add(new Totals(
                    e.getKey(),
                    released,
                    refused,
                    sent,
                    opens,
                    clicks,
                    conversions,
                    revenue,
                    spent,
                    budget,
                    sd * Math.sqrt(Math.max(1, released)),
                    mechanism));
        }
        return out;
    }

    static void render(StringBuilder sb, List<DpCampaignStats> records) {
        if (records.isEmpty()) {
            return; // the job does not publish them (privacy.dp.enabled is off)
        }
        sb.append("<h2>Differentially private figures (as exported)</h2>")
                .append("<p class=\"sub\">The figures shared outside the job: exact counts plus noise, each user's")
                .append(
                        " contribution clipped. A campaign's epsilon adds up over its windows; once its budget is spent,")
                .append(" later windows are refused. &plusmn; is one standard deviation of the noise on the total.</p>")
                .append("<table><tr><th>campaign</th><th>mechanism</th><th>windows</th><th>refused</th><th>sent</th>")
                .append("<th>opens</th><th>clicks</th><th>conversions</th><th>revenue</th><th>open rate</th>")
                .append("<th>&plusmn; per count</th><th>epsilon spent / budget</th></tr>");
        for (Totals t : totals(records)) {
            sb.append("<tr><td>")
                    .append(esc(t.campaignId()))
                    .append("</td><td>")
                    .append(esc(t.mechanism().toLowerCase(Locale.ROOT)))
                    .append("</td><td>")
                    .append(t.released())
                    .append("</td><td>")
                    .append(t.refused())
                    .append("</td><td>")
                    .append(String.format(Locale.ROOT, "%,d", t.sent()))
                    .append("</td><td>")
                    .append(String.format(Locale.ROOT, "%,d", t.opens()))
                    .append("</td><td>")
                    .append(String.format(Locale.ROOT, "%,d", t.clicks()))
                    .append("</td><td>")
                    .append(String.format(Locale.ROOT, "%,d", t.conversions()))
                    .append("</td><td>")
                    .append(String.format(Locale.ROOT, "%,.2f", t.revenue()))
                    .append("</td><td>")
                    .append(
                            t.sent() <= 0
                                    ? "–"
                                    : String.format(Locale.ROOT, "%.1f%%", 100.0 * Math.max(0, t.opens()) / t.sent()))
                    .append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f", t.countNoiseStddev()))
                    .append("</td><td>")
                    .append(String.format(Locale.ROOT, "&epsilon; = %.2f / %.2f", t.epsilonSpent(), t.budgetEpsilon()))
                    .append("</td></tr>");
        }
        sb.append("</table>");
    }
}
