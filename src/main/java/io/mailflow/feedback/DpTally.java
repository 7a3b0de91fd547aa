package io.mailflow.feedback;

/**
 * The exact, clipped sums of one campaign in one window: internal to the job, never written to a topic.
 * Only {@link DpRelease} turns it into published (noisy) figures.
 *
 * @param users users who contributed
 */
public record DpTally(
        String campaignId,
        long windowStart,
        long windowEnd,
        long users,
        long sent,
        long opens,
        long clicks,
        long conversions,
        long revenueCents) {

    public static DpTally of(String campaignId, long windowStart, long windowEnd, DpContribution sum, long users) {
        return new DpTally(
                campaignId,
                windowStart,
                windowEnd,
                users,
                sum.sent(),
                sum.opens(),
                sum.clicks(),
                sum.conversions(),
                sum.revenueCents());
    }
}
