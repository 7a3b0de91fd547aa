package io.mailflow.features;

import java.util.List;

/**
 * Layout of the per-user feature vector, version {@value #VERSION}.
 *
 * <p>Every model (segments, propensity) and every downstream consumer reads features by these
 * indices, so the layout is versioned: change the meaning or order of any index and {@link #VERSION}
 * must go up, because models trained on one layout are meaningless on another. Counts and money are
 * {@code log1p}-compressed because their distributions are heavy-tailed and both k-means (squared
 * distances) and logistic regression would otherwise be dominated by a few whales.
 *
 * <pre>
 *  0 RECENCY_HOURS        log1p(hours of inactivity between the previous session's end and this one's start); 0 for a first session
 *  1 FREQUENCY            log1p(decayed number of sessions)
 *  2 MONETARY             log1p(decayed revenue)
 *  3..9 EVENTS_*          log1p(decayed count) per event type, in {@link io.mailflow.model.EventType} order:
 *                         VIEW, CLICK, SEARCH, ADD_TO_CART, REMOVE_FROM_CART, FAVORITE, PURCHASE
 * 10 AVG_SESSION_MINUTES  log1p(mean session duration in minutes), over all sessions
 * 11 CART_ABANDONMENT     abandoned sessions / sessions that added to cart, in [0, 1]
 * 12 PURCHASE_FREQUENCY   decayed sessions with a purchase / decayed sessions, in [0, 1]
 * 13 SEARCH_ACTIVITY      decayed searches / decayed sessions
 * 14 TOP_CATEGORY         share of the most frequent category among decayed cart/purchase category hits, in [0, 1]
 * </pre>
 *
 * "Decayed" means exponentially decayed in event time with the configured half-life, so that a
 * user's behaviour a year ago weighs little against last week's.
 */
public final class FeatureVector {
    /** Bump on any change of the layout below. */
    public static final int VERSION = 1;

    public static final int RECENCY_HOURS = 0;
    public static final int FREQUENCY = 1;
    public static final int MONETARY = 2;
    public static final int EVENTS_OFFSET = 3;
    public static final int AVG_SESSION_MINUTES = 10;
    public static final int CART_ABANDONMENT = 11;
    public static final int PURCHASE_FREQUENCY = 12;
    public static final int SEARCH_ACTIVITY = 13;
    public static final int TOP_CATEGORY = 14;
    public static final int SIZE = 15;

    /** Names in index order, for documentation, exports and debugging. */
    public static final List<String> NAMES = List.of(
            "recency_hours",
            "frequency",
            "monetary",
            "events_view",
            "events_click",
            "events_search",
            "events_add_to_cart",
            "events_remove_from_cart",
            "events_favorite",
            "events_purchase",
            "avg_session_minutes",
            "cart_abandonment",
            "purchase_frequency",
            "search_activity",
            "top_category");

    /**
     * Largest magnitude of a raw feature that models accept. Every feature is log-compressed or a ratio, so
     * real users stay far below it (revenue of 10^15 is 35); a vector beyond it, or with a NaN or infinity,
     * comes from a bug or an attack and must reach no model ({@link #valid}).
     */
    public static final double MAX_ABS = 1e6;
    /** Standardized features are clamped to {@code [-MAX_Z, MAX_Z]}, so one outlier cannot dominate a model. */
    public static final double MAX_Z = 100;

    private FeatureVector() {}

    /** True for a vector of this layout whose entries are all finite and within {@link #MAX_ABS}. */
    public static boolean valid(double[] v) {
        return finiteWithin(v, SIZE, MAX_ABS);
    }

    /** True when {@code v} has {@code size} entries, each finite and of magnitude at most {@code bound}. */
    public static boolean finiteWithin(double[] v, int size, double bound) {
        if (v == null || v.length != size) {
            return false;
        }
        for (double x : v) {
            if (!(Math.abs(x) <= bound)) { // false for NaN too
                return false;
            }
        }
        return true;
    }
}
