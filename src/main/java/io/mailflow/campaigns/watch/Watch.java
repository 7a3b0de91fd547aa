package io.mailflow.campaigns.watch;

/**
 * One user watching one item (an element of {@link WatchList}, keyed state of {@link ItemWatchFunction}).
 *
 * @param userId the watcher
 * @param lastSeen event time of the user's latest view or cart of the item; the watch lapses {@code watch-ttl}
 *     after it
 * @param wantsRestock the user saw the item while it was unavailable, and has not been told it is back
 * @param seenPrice the price the user last saw (the reference of a price drop), or null
 * @param currency its currency, or null
 * @param restockQuietUntil no back-in-stock e-mail about this item for the user before this event time
 * @param dropQuietUntil no price-drop e-mail about this item for the user before this event time
 */
public record Watch(
        String userId,
        long lastSeen,
        boolean wantsRestock,
        Double seenPrice,
        String currency,
        long restockQuietUntil,
        long dropQuietUntil) {

    /** Whether the user still counts as interested at {@code now}. */
    boolean active(long now, long ttlMs) {
        return now < lastSeen + ttlMs;
    }

    /** When the entry can go: the watch has lapsed and no dedup period is running. */
    long keepUntil(long ttlMs) {
        return Math.max(lastSeen + ttlMs, Math.max(restockQuietUntil, dropQuietUntil));
    }
}
