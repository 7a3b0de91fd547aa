package io.mailflow.campaigns.rules;

import java.util.Map;

/**
 * A user's recent carts and purchases by event time, as the trigger operator keeps them (a bit set per
 * millisecond) to cancel abandonment triggers.
 */
@FunctionalInterface
public interface Activity {
    /** Flag of an add-to-cart. */
    int CART = 1;
    /** Flag of a purchase. */
    int PURCHASE = 2;

    /** Whether an activity with any flag of {@code mask} happened in ({@code afterExclusive}, {@code untilInclusive}]. */
    boolean any(long afterExclusive, long untilInclusive, int mask);

    /** The flags of an event of this kind added to those already recorded at the same time (null: none). */
    static int record(Integer flags, boolean purchase) {
        return (flags == null ? 0 : flags) | (purchase ? PURCHASE : CART);
    }

    /** Activity over recorded entries (event time to flags). */
    static Activity of(Iterable<Map.Entry<Long, Integer>> entries) {
        return (afterExclusive, untilInclusive, mask) -> {
            for (Map.Entry<Long, Integer> e : entries) {
                if (e.getKey() > afterExclusive && e.getKey() <= untilInclusive && (e.getValue() & mask) != 0) {
                    return true;
                }
            }
            return false;
        };
    }
}
