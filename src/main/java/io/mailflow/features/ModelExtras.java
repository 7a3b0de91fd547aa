package io.mailflow.features;

import java.util.List;

/**
 * Inputs of the binned propensity learner beyond the 15 {@link FeatureVector} features (layout version {@value
 * #VERSION}), carried with every {@link UserFeatures} snapshot. They are not part of {@link FeatureVector}: k-means
 * and the standardizer keep their 15 dimensions (segments and savepoints depend on them).
 *
 * <p>Time-dependent inputs are kept as instants and turned into durations by {@link #numeric(long)} at the instant
 * of scoring, so recency grows while a user is away. Labeller and scorer both evaluate them at the snapshot's
 * event time, so a model learns exactly what it is later served. Every numeric input is clipped to its documented
 * range; "missing" is NaN, which the binned learner puts in its dedicated missing bin.
 *
 * <pre>
 * numeric (appended after the 15 raw features)
 *  0 hours_since_visit     hours from the previous visit's end to the scoring instant (a snapshot's own session does
 *                          not count as the previous visit; scored later, the latest one does); NaN for a first visit
 *  1 hours_since_purchase  hours from the end of the latest session with a purchase; NaN when none
 *  2 site_ctr              (decayed on-site clicks + 1) / (decayed views + 2), in [0, 1]
 *  3 price_ratio           mean unit price of bought line items / mean unit price of carted ones; NaN without a bought one
 *  4 cart_price            log1p(mean unit price of carted line items); NaN without one
 *  5 email_opens           log1p(decayed e-mail opens by a person)
 *  6 email_clicks          log1p(decayed e-mail clicks)
 *  7 email_unsubscribes    log1p(decayed unsubscribes and complaints)
 *  8 hours_since_email     hours from the latest delivered, opened or clicked e-mail; NaN when none
 * categorical (null: missing)
 *  0..2 search_1..3        hashes of the three most recent distinct search terms, most recent first
 *  3..5 category_1..3      hashes of the three categories of highest decayed affinity (carted or bought items)
 * </pre>
 *
 * @param asOf the snapshot's event time (its session's end)
 * @param previousVisit end of the session before the snapshot's one (0: none)
 * @param lastPurchase end of the latest session with a purchase (0: none)
 * @param lastEmail latest delivered, opened or clicked e-mail (0: none)
 * @param siteCtr on-site click-through rate, in [0, 1]
 * @param priceRatio in [0, {@value #MAX_PRICE_RATIO}] or NaN
 * @param cartPrice in [0, {@value #MAX_LOG}] or NaN
 * @param emailOpens in [0, {@value #MAX_LOG}]
 * @param emailClicks in [0, {@value #MAX_LOG}]
 * @param unsubscribes in [0, {@value #MAX_LOG}]
 * @param tokens {@link #CATEGORICAL} tokens (hex of 64-bit hashes), null where missing
 */
public record ModelExtras(
        long asOf,
        long previousVisit,
        long lastPurchase,
        long lastEmail,
        double siteCtr,
        double priceRatio,
        double cartPrice,
        double emailOpens,
        double emailClicks,
        double unsubscribes,
        String[] tokens) {
    /** Bump on any change of the layout. */
    public static final int VERSION = 1;

    public static final List<String> NUMERIC_NAMES = List.of(
            "hours_since_visit",
            "hours_since_purchase",
            "site_ctr",
            "price_ratio",
            "cart_price",
            "email_opens",
            "email_clicks",
            "email_unsubscribes",
            "hours_since_email");
    public static final List<String> CATEGORICAL_NAMES =
            List.of("search_1", "search_2", "search_3", "category_1", "category_2", "category_3");
    public static final int NUMERIC = 9;
    public static final int CATEGORICAL = 6;
    public static final int SEARCH_TOKENS = 3;
    public static final int CATEGORY_TOKENS = 3;

    /** Durations are clipped to ten years. */
    public static final double MAX_HOURS = 87_600;
    /** Largest price ratio kept: buying items ten times dearer than the cart's mean is as far as it goes. */
    public static final double MAX_PRICE_RATIO = 10;
    /** Largest log-compressed count or price kept ({@code log1p} of about 5e8). */
    public static final double MAX_LOG = 20;

    private static final double MS_PER_HOUR = 3_600_000.0;

    /** The numeric inputs as at {@code at} (epoch milliseconds), laid out as {@link #NUMERIC_NAMES}. */
    public double[] numeric(long at) {
        long visit = at > asOf ? asOf : previousVisit;
        return new double[] {
            hoursSince(visit, at),
            hoursSince(lastPurchase, at),
            clip(siteCtr, 1),
            clip(priceRatio, MAX_PRICE_RATIO),
            clip(cartPrice, MAX_LOG),
            clip(emailOpens, MAX_LOG),
            clip(emailClicks, MAX_LOG),
            clip(unsubscribes, MAX_LOG),
            hoursSince(lastEmail, at)
        };
    }

    /** The categorical inputs, laid out as {@link #CATEGORICAL_NAMES} (a copy; null where missing). */
    public String[] categorical() {
        String[] out = new String[CATEGORICAL];
        if (tokens != null) {
            System.arraycopy(tokens, 0, out, 0, Math.min(CATEGORICAL, tokens.length));
        }
        return out;
    }

    /** Hours from {@code from} to {@code at} in [0, {@link #MAX_HOURS}]; NaN when {@code from} is 0 (never). */
    static double hoursSince(long from, long at) {
        if (from == 0) {
            return Double.NaN;
        }
        return clip(Math.max(0, at - from) / MS_PER_HOUR, MAX_HOURS);
    }

    /** {@code v} clipped to [0, max]; NaN stays NaN (missing). */
    static double clip(double v, double max) {
        return Double.isNaN(v) ? v : Math.max(0, Math.min(max, v));
    }
}
