package io.mailflow.features;

import java.util.Map;

/**
 * The long-lived per-user aggregates behind {@link FeatureVector}, kept in keyed state.
 *
 * <p>Decayed quantities are stored as of {@code decayedAt}; they are brought forward to a new
 * instant by multiplying with {@code 0.5^(elapsed / halfLife)} before anything is added, which
 * makes the decay exact whatever the spacing of sessions.
 *
 * @param firstSeen start of the user's first session
 * @param lastSessionEnd end of the latest session folded in
 * @param lastGapMs inactivity before the latest session (its start minus the previous session's end); 0 for the first
 * @param decayedAt instant the decayed fields refer to
 * @param sessions decayed number of sessions
 * @param revenue decayed revenue
 * @param eventCounts decayed counts per {@link io.mailflow.model.EventType} ordinal
 * @param purchaseSessions decayed number of sessions with a purchase
 * @param totalSessions all sessions ever, undecayed (for the mean duration)
 * @param totalDurationMs sum of all session durations
 * @param cartSessions sessions that added to cart
 * @param abandonedSessions sessions that left the cart without buying
 * @param categories decayed hit count per category (carted or bought items), at most a bounded number of entries
 * @param signals what only the propensity model's extra inputs use ({@link ModelExtras}); null in histories
 *     written before they existed (restored from an older savepoint), which then start from nothing
 */
public record UserHistory(
        long firstSeen,
        long lastSessionEnd,
        long lastGapMs,
        long decayedAt,
        double sessions,
        double revenue,
        double[] eventCounts,
        double purchaseSessions,
        long totalSessions,
        long totalDurationMs,
        long cartSessions,
        long abandonedSessions,
        Map<String, Double> categories,
        ModelSignals signals) {

    /** A history without the model's extra signals (as histories were before them). */
    public UserHistory(
            long firstSeen,
            long lastSessionEnd,
            long lastGapMs,
            long decayedAt,
            double sessions,
            double revenue,
            double[] eventCounts,
            double purchaseSessions,
            long totalSessions,
            long totalDurationMs,
            long cartSessions,
            long abandonedSessions,
            Map<String, Double> categories) {
        this(
                firstSeen,
                lastSessionEnd,
                lastGapMs,
                decayedAt,
                sessions,
                revenue,
                eventCounts,
                purchaseSessions,
                totalSessions,
                totalDurationMs,
                cartSessions,
                abandonedSessions,
                categories,
                null);
    }
}
