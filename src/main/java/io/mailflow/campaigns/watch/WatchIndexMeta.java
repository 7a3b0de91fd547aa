package io.mailflow.campaigns.watch;

/**
 * The bookkeeping of one user's entry in the item watch index (keyed state of {@link WatchIndexFunction}).
 *
 * @param size how many items the index holds for the user (at most {@code catalog-triggers.max-watchers})
 * @param sweepAt the event time of the clean-up timer (Long.MAX_VALUE: none)
 * @param fullWalkUntil the index overflowed: until this event time, an erasure of the user must still visit every
 *     item (Long.MIN_VALUE: never overflowed, or long enough ago)
 */
public record WatchIndexMeta(int size, long sweepAt, long fullWalkUntil) {
    public static final WatchIndexMeta EMPTY = new WatchIndexMeta(0, Long.MAX_VALUE, Long.MIN_VALUE);
}
