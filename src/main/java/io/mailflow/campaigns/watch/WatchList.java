package io.mailflow.campaigns.watch;

import java.util.List;

/**
 * The watchers of one item, oldest view first, at most {@code catalog-triggers.max-watchers} (keyed state of
 * {@link ItemWatchFunction}; one value per item, read and written whole: the list is short).
 *
 * @param watchers one entry per user
 * @param sweepAt the event time of the clean-up timer set for the list (Long.MAX_VALUE: none)
 */
public record WatchList(List<Watch> watchers, long sweepAt) {
    public static final WatchList EMPTY = new WatchList(List.of(), Long.MAX_VALUE);
}
