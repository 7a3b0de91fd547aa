package io.mailflow.feedback;

import io.mailflow.model.CampaignCosts;
import io.mailflow.model.ControlGroup;
import java.util.List;

/**
 * Statistics of one campaign variant (or its holdout) in one event-time window, as written to
 * {@code topic.campaign-stats}. Each count falls into the window of the event that caused it (a
 * purchase into the window of the purchase). A window fired again for late events replaces the
 * earlier record of the same {@code (campaignId, variant, windowStart)}; readers keep the last one.
 *
 * <p>Rates divide by the audience: e-mails sent, or users assigned for the holdout
 * ({@code openRate = opens/sent}, {@code clickRate = clicks/sent}, {@code conversionRate =
 * conversions/audience}, {@code revenuePerSend = revenue/audience}); 0 when the audience is 0.
 * {@code lift*} compare the conversion rate with the holdout of the same campaign and window (see
 * {@link Lift}); they are absent when the campaign had no holdout in the window.
 *
 * <p>The campaign's holdout is its {@code holdout} variant; the global control group's assignments are a line of
 * their own ({@link Funnel#CONTROL}) without a lift. The programme's line ({@code campaignId} {@link
 * Funnel#PROGRAMME}) compares every mailed e-mail ({@link Funnel#MAILED}) with the global control group.
 *
 * <p>ROI ({@link Roi}): {@code incrementalRevenue = revenue - audience * holdoutRevenuePerUser} (absent without
 * a holdout); {@code cost} is the window's variable cost from the campaign's costs (e-mails sent and coupons, 0
 * without costs and for the holdout); {@code fixedCost} is the campaign's fixed cost, repeated on every record
 * and not spread over windows (count it once per campaign); {@code roi = (incrementalRevenue - cost) / cost} of
 * the window, absent without a holdout or a cost.
 */
public record CampaignStats(
        String campaignId,
        String variant,
        boolean holdout,
        long windowStart,
        long windowEnd,
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
        long bounces,
        double openRate,
        double clickRate,
        double conversionRate,
        double revenuePerSend,
        Double holdoutConversionRate,
        Double lift,
        Double liftLow,
        Double liftHigh,
        Double relativeLift,
        Double holdoutRevenuePerUser,
        Double incrementalRevenue,
        double cost,
        double fixedCost,
        Double roi) {

    /** A record without revenue against the holdout and without costs (as before ROI). */
    public CampaignStats(
            String campaignId,
            String variant,
            boolean holdout,
            long windowStart,
            long windowEnd,
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
            long bounces,
            double openRate,
            double clickRate,
            double conversionRate,
            double revenuePerSend,
            Double holdoutConversionRate,
            Double lift,
            Double liftLow,
            Double liftHigh,
            Double relativeLift) {
        this(
                campaignId,
                variant,
                holdout,
                windowStart,
                windowEnd,
                audience,
                sent,
                failed,
                delivered,
                opens,
                machineOpens,
                clicks,
                conversions,
                revenue,
                unsubscribes,
                complaints,
                bounces,
                openRate,
                clickRate,
                conversionRate,
                revenuePerSend,
                holdoutConversionRate,
                lift,
                liftLow,
                liftHigh,
                relativeLift,
                null,
                null,
                0.0,
                0.0,
                null);
    }

    /** One record per variant of {@code counts}, each compared with the campaign's holdout (if any). */
    public static List<CampaignStats> of(
            String campaignId, long windowStart, long windowEnd, List<VariantCounts> counts) {
        // a campaign is compared with its own holdout, the programme with the global control group
        boolean programme = Funnel.PROGRAMME.equals(campaignId);
        VariantCounts holdout = counts.stream()
                .filter(v -> v.holdout() && ControlGroup.isControl(v.variant()) == programme)
                .reduce(VariantCounts::plus)
                .orElse(null);
        return counts.stream()
                .map(v -> of(campaignId, windowStart, windowEnd, v, v.holdout() ? null : holdout))
                .toList();
    }

    public static CampaignStats of(
            String campaignId, long windowStart, long windowEnd, VariantCounts v, VariantCounts holdout) {
        long n = v.audience();
        Lift lift = holdout == null ? null : Lift.of(v.conversions(), n, holdout.conversions(), holdout.audience());
        Double incremental =
                holdout == null ? null : Roi.incrementalRevenue(v.revenue(), n, holdout.revenue(), holdout.audience());
        return new CampaignStats(
                campaignId,
                v.variant(),
                v.holdout(),
                windowStart,
                windowEnd,
                n,
                v.sent(),
                v.failed(),
                v.delivered(),
                v.opens(),
                v.machineOpens(),
                v.clicks(),
                v.conversions(),
                v.revenue(),
                v.unsubscribes(),
                v.complaints(),
                v.bounces(),
                ratio(v.opens(), v.sent()),
                ratio(v.clicks(), v.sent()),
                ratio(v.conversions(), n),
                ratio(v.revenue(), n),
                lift == null ? null : lift.holdoutRate(),
                lift == null ? null : lift.absolute(),
                lift == null ? null : lift.low(),
                lift == null ? null : lift.high(),
                lift == null || Double.isNaN(lift.relative()) ? null : lift.relative(),
                incremental == null ? null : holdout.revenue() / holdout.audience(),
                incremental,
                0.0,
                0.0,
                null);
    }

    /**
     * This record with its campaign's costs: the window's variable cost (none for a holdout), the fixed cost,
     * and the window's ROI.
     */
    public CampaignStats withCosts(CampaignCosts costs) {
        CampaignCosts c = costs == null ? CampaignCosts.NONE : costs;
        double variable = holdout ? 0.0 : c.variableCost(sent, conversions, revenue);
        Roi r = holdout ? null : Roi.of(incrementalRevenue, variable);
        return new CampaignStats(
                campaignId,
                variant,
                holdout,
                windowStart,
                windowEnd,
                audience,
                sent,
                failed,
                delivered,
                opens,
                machineOpens,
                clicks,
                conversions,
                revenue,
                unsubscribes,
                complaints,
                bounces,
                openRate,
                clickRate,
                conversionRate,
                revenuePerSend,
                holdoutConversionRate,
                lift,
                liftLow,
                liftHigh,
                relativeLift,
                holdoutRevenuePerUser,
                incrementalRevenue,
                variable,
                c.fixed(),
                r == null ? null : r.roi());
    }

    static double ratio(double x, long n) {
        return n <= 0 ? 0.0 : x / n;
    }
}
