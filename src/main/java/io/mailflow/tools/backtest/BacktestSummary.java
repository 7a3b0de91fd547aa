package io.mailflow.tools.backtest;

import io.mailflow.feedback.Lift;
import java.util.List;
import java.util.SortedMap;

/**
 * What a backtest found, ready to render: counts only, user ids (never addresses) in the samples. Plain Java.
 *
 * @param source where the history came from (a file name or a topic and window)
 * @param inputRecords records read (-1 when unknown, for a Kafka window)
 * @param firstEvent event time of the earliest session start, or 0 without sessions
 * @param lastEvent event time of the latest session end, or 0
 * @param campaigns per campaign and variant: e-mails, holdouts, deferrals, drops
 * @param sendsPerDay e-mails per UTC day ({@code yyyy-MM-dd}) and {@code campaign/variant}
 * @param deferrals deferrals by reason
 * @param drops drops by reason
 * @param deadLetters rejected records by {@code stage: reason}
 * @param deadLetterTotal all rejected records (importer rejections included)
 * @param segments e-mailed recipients by their segment at the decision ({@code "unknown"} before the first one)
 * @param scoreBins e-mailed recipients by propensity score, ten bins of 0.1
 * @param unscored e-mailed recipients without a score at the decision
 * @param samples a few rendered e-mails
 * @param outcomes conversions and lift per campaign and variant, empty when the history has no purchases
 * @param attributionWindowMs the attribution window of {@code outcomes}
 */
public record BacktestSummary(
        String source,
        long inputRecords,
        long firstEvent,
        long lastEvent,
        List<CampaignRow> campaigns,
        SortedMap<String, SortedMap<String, Long>> sendsPerDay,
        SortedMap<String, Long> deferrals,
        SortedMap<String, Long> drops,
        SortedMap<String, Long> deadLetters,
        long deadLetterTotal,
        SortedMap<String, Long> segments,
        long[] scoreBins,
        long unscored,
        List<Sample> samples,
        List<Outcome> outcomes,
        long attributionWindowMs) {

    /**
     * One campaign variant. {@code deferredAtEnd}: requests deferred and neither released nor dropped when the
     * history ended (a live job would decide them later).
     */
    public record CampaignRow(
            String campaignId,
            String variant,
            long emails,
            long holdouts,
            long deferrals,
            long drops,
            long deferredAtEnd) {}

    /** A rendered e-mail of the backtest: its request, recipient's user id, subject and text excerpt. */
    public record Sample(
            String requestId,
            String campaignId,
            String variant,
            String userId,
            long at,
            String subject,
            String excerpt) {}

    /**
     * Attributed conversions: users e-mailed (resp. held out) who purchased within the attribution window after the
     * decision, and the lift of the e-mailed over the campaign's holdout with its 95% interval (null without a
     * holdout).
     */
    public record Outcome(
            String campaignId,
            String variant,
            long emailed,
            long emailedConverted,
            long heldOut,
            long heldOutConverted,
            Lift lift) {}

    public long totalEmails() {
        return campaigns.stream().mapToLong(CampaignRow::emails).sum();
    }

    public long totalHoldouts() {
        return campaigns.stream().mapToLong(CampaignRow::holdouts).sum();
    }

    public long totalDeferrals() {
        return campaigns.stream().mapToLong(CampaignRow::deferrals).sum();
    }

    public long totalDrops() {
        return campaigns.stream().mapToLong(CampaignRow::drops).sum();
    }
}
