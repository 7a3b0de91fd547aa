package io.mailflow.tools.report;

import io.mailflow.feedback.CampaignStats;
import io.mailflow.feedback.Lift;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Totals of one campaign variant over all statistics windows, with the lift over the campaign's
 * holdout recomputed from the totals (a lift is not additive across windows; counts are).
 */
public record CampaignTotals(
        String campaignId,
        String variant,
        boolean holdout,
        long audience,
        long sent,
        long failed,
        long delivered,
        long opens,
        long machineOpens,
        long clicks,
        long conversions,
        double revenue,
        long unsubscribes,
        long complaints,
        Lift lift) {

    public double rate(long x) {
        return audience == 0 ? 0 : (double) x / audience;
    }

    /** Per campaign (sorted), its variants' totals (holdout last); the last record of each window counts. */
    public static Map<String, List<CampaignTotals>> of(Collection<CampaignStats> records) {
        Map<String, CampaignStats> lastPerWindow = new LinkedHashMap<>();
        for (CampaignStats s : records) {
            lastPerWindow.put(s.campaignId() + '\u0000' + s.variant() + '\u0000' + s.windowStart(), s);
        }
        Map<String, Map<String, long[]>> counts = new TreeMap<>();
        Map<String, Double> revenue = new LinkedHashMap<>();
        Map<String, Boolean> holdout = new LinkedHashMap<>();
        for (CampaignStats s : lastPerWindow.values()) {
            long[] c = counts.computeIfAbsent(s.campaignId(), k -> new TreeMap<>())
                    .computeIfAbsent(s.variant(), k -> new long[10]);
            c[0] += s.audience();
            c[1] += s.sent();
            c[2] += s.failed();
            c[3] += s.delivered();
            c[4] += s.opens();
            c[5] += s.machineOpens();
            c[6] += s.clicks();
            c[7] += s.conversions();
            c[8] += s.unsubscribes();
            c[9] += s.complaints();
            revenue.merge(s.campaignId() + '\u0000' + s.variant(), s.revenue(), Double::sum);
            holdout.merge(s.campaignId() + '\u0000' + s.variant(), s.holdout(), Boolean::logicalOr);
        }
        Map<String, List<CampaignTotals>> out = new LinkedHashMap<>();
        counts.forEach((campaign, variants) -> {
            long[] h = null;
            for (Map.Entry<String, long[]> v : variants.entrySet()) {
                if (holdout.get(campaign + '\u0000' + v.getKey())) {
                    h = v.getValue();
                }
            }
            List<CampaignTotals> list = new ArrayList<>();
            List<CampaignTotals> holdouts = new ArrayList<>();
            for (Map.Entry<String, long[]> v : variants.entrySet()) {
                String key = campaign + '\u0000' + v.getKey();
                long[] c = v.getValue();
                boolean isHoldout = holdout.get(key);
                Lift lift = isHoldout || h == null ? null : Lift.of(c[7], c[0], h[7], h[0]);
                CampaignTotals t = new CampaignTotals(
                        campaign,
                        v.getKey(),
                        isHoldout,
                        c[0],
                        c[1],
                        c[2],
                        c[3],
                        c[4],
                        c[5],
                        c[6],
                        c[7],
                        revenue.get(key),
                        c[8],
                        c[9],
                        lift);
                (isHoldout ? holdouts : list).add(t);
            }
            list.addAll(holdouts);
            out.put(campaign, list);
        });
        return out;
    }
}
