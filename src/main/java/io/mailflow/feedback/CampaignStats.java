package io.mailflow.feedback;

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
        Double relativeLift) {

    /** One record per variant of {@code counts}, each compared with the campaign's holdout (if any). */
    public static List<CampaignStats> of(
            String campaignId, long windowStart, long windowEnd, List<VariantCounts> counts) {
        VariantCounts holdout = counts.stream()
                .filter(VariantCounts::holdout)
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
                lift == null || Double.isNaN(lift.relative()) ? null : lift.relative());
    }

    static double ratio(double x, long n) {
        return n <= 0 ? 0.0 : x / n;
    }
}
