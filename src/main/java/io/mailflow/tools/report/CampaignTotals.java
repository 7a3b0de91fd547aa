package io.mailflow.tools.report;

import io.mailflow.feedback.CampaignStats;
import io.mailflow.feedback.Funnel;
import io.mailflow.feedback.Lift;
import io.mailflow.feedback.Roi;
import io.mailflow.model.ControlGroup;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Totals of one campaign variant over all statistics windows, with the lift over the campaign's
 * holdout recomputed from the totals (a lift is not additive across windows; counts are); likewise the
 * incremental revenue against the holdout's revenue per user, and the ROI of the variant's variable cost. The
 * campaign's ROI, with its fixed cost, is {@link #campaignRoi}. The holdout is the campaign's own; for the
 * programme's line ({@link Funnel#PROGRAMME}) it is the global control group.
 *
 * @param incrementalRevenue revenue above what the holdout's revenue per user predicts; null without a holdout
 * @param cost the variable cost (e-mails, coupons) over all windows
 * @param fixedCost the campaign's fixed cost (the same on every row of a campaign)
 * @param roi {@code (incrementalRevenue - cost) / cost}, null without a holdout or a cost
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
        Lift lift,
        Double incrementalRevenue,
        double cost,
        double fixedCost,
        Double roi) {

    /**
     * The ROI of a whole campaign: the incremental revenue of its mailed variants against their variable costs
     * plus the fixed cost; null without a holdout or without costs.
     */
    public static Roi campaignRoi(List<CampaignTotals> variants) {
        double incremental = 0;
        double cost = 0;
        double fixed = 0;
        boolean any = false;
        for (CampaignTotals t : variants) {
            fixed = Math.max(fixed, t.fixedCost());
            if (t.holdout()) {
                continue;
            }
            if (t.incrementalRevenue() == null) {
                return null;
            }
            any = true;
            incremental += t.incrementalRevenue();
            cost += t.cost();
        }
        return any ? Roi.of(incremental, cost + fixed) : null;
    }

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
        Map<String, Double> cost = new LinkedHashMap<>();
        Map<String, Double> fixed = new LinkedHashMap<>();
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
            cost.merge(s.campaignId() + '\u0000' + s.variant(), s.cost(), Double::sum);
            fixed.merge(s.campaignId(), s.fixedCost(), Math::max);
            holdout.merge(s.campaignId() + '\u0000' + s.variant(), s.holdout(), Boolean::logicalOr);
        }
        Map<String, List<CampaignTotals>> out = new LinkedHashMap<>();
        counts.forEach((campaign, variants) -> {
            // the campaign's own holdout; for the programme, the global control group
            boolean programme = Funnel.PROGRAMME.equals(campaign);
            long[] h = null;
            double hRevenue = 0;
            for (Map.Entry<String, long[]> v : variants.entrySet()) {
                String key = campaign + '\u0000' + v.getKey();
                if (holdout.get(key) && ControlGroup.isControl(v.getKey()) == programme) {
                    h = h == null ? v.getValue().clone() : add(h, v.getValue());
                    hRevenue += revenue.get(key);
                }
            }
            List<CampaignTotals> list = new ArrayList<>();
            List<CampaignTotals> holdouts = new ArrayList<>();
            for (Map.Entry<String, long[]> v : variants.entrySet()) {
                String key = campaign + '\u0000' + v.getKey();
                long[] c = v.getValue();
                boolean isHoldout = holdout.get(key);
                Lift lift = isHoldout || h == null ? null : Lift.of(c[7], c[0], h[7], h[0]);
                Double incremental =
                        isHoldout || h == null ? null : Roi.incrementalRevenue(revenue.get(key), c[0], hRevenue, h[0]);
                double variableCost = cost.getOrDefault(key, 0.0);
                Roi roi = Roi.of(incremental, variableCost);
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
                        lift,
                        incremental,
                        variableCost,
                        fixed.getOrDefault(campaign, 0.0),
                        roi == null ? null : roi.roi());
                (isHoldout ? holdouts : list).add(t);
            }
            list.addAll(holdouts);
            out.put(campaign, list);
        });
        return out;
    }

    private static long[] add(long[] a, long[] b) {
        long[] out = a.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += b[i];
        }
        return out;
    }
}
