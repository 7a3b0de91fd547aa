package io.mailflow.recommendations;

/**
 * Everything the co-occurrence model knows about one item.
 *
 * @param itemId the item
 * @param weight decayed number of sessions that contained it, as of {@code weightAt}
 * @param weightAt event time of {@code weight}
 * @param coCounts decayed, session-length-normalized co-occurrence counts with the heaviest other items
 */
public record ItemCounts(String itemId, double weight, long weightAt, DecayedCounts coCounts) {}
