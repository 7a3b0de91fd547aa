package io.mailflow.campaigns;

import java.util.Locale;

/** The real-time triggers: six per user, two per catalog item, and scheduled sends (see {@code io.mailflow.campaigns.watch}). The wire form in a definition is the lower-case name with dashes. */
public enum TriggerType {
    /** A session left items in the cart and bought nothing; no purchase within the delay. */
    ABANDONED_CART,
    /** N views of one item (or category) within a window, and no cart or purchase within the delay. */
    BROWSE_ABANDONMENT,
    /** No session for the inactivity period. */
    WIN_BACK,
    /** A session with a purchase; cross-sell after the delay. */
    POST_PURCHASE,
    /** The user's segment changes into one of the listed segments. */
    SEGMENT_ENTRY,
    /** The user's purchase propensity crosses the threshold (upwards by default). */
    SCORE_THRESHOLD,
    /** An item a user viewed or carted while it was unavailable became available again. */
    BACK_IN_STOCK,
    /** The price of an item a user viewed or carted fell by at least the campaign's share. */
    PRICE_DROP,
    /** A date and time in the recipient's zone, once or recurring, to an audience (see {@link ScheduleSpec}). */
    SCHEDULED;

    /** Whether the trigger is decided per catalog item (its watchers), not per user. */
    public boolean catalogDriven() {
        return this == BACK_IN_STOCK || this == PRICE_DROP;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@code abandoned-cart}, {@code ABANDONED_CART} and the like; null if unknown. */
    public static TriggerType parse(String s) {
        if (s == null) {
            return null;
        }
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
