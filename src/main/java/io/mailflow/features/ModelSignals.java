package io.mailflow.features;

/**
 * The part of a {@link UserHistory} that only feeds the propensity model's extra inputs ({@link ModelExtras}): kept
 * in the history's record (null in histories written before it existed), so it shares the history's TTL and
 * erasure. Decayed fields are as of the history's {@code decayedAt}; an instant of 0 means "never".
 *
 * @param previousSessionEnd end of the session before the latest one (0: the latest was the first one seen)
 * @param lastPurchaseAt end of the latest session with a purchase (0: none seen)
 * @param searchHashes 64-bit hashes of the user's most recent distinct search terms, most recent first, at most
 *     {@link ModelExtras#SEARCH_TOKENS}; the terms themselves are never kept
 * @param cartPriceSum decayed sum of the unit prices of carted (or bought) line items with a price
 * @param cartPriced decayed number of those line items
 * @param boughtPriceSum decayed sum of the unit prices of those line items that were bought in their session
 * @param boughtPriced decayed number of those
 * @param emailOpens decayed e-mail opens by a person
 * @param emailClicks decayed e-mail clicks
 * @param unsubscribes decayed unsubscribes and complaints
 * @param lastEmailAt latest evidence of an e-mail reaching the user: delivered, opened or clicked (0: none)
 */
public record ModelSignals(
        long previousSessionEnd,
        long lastPurchaseAt,
        long[] searchHashes,
        double cartPriceSum,
        double cartPriced,
        double boughtPriceSum,
        double boughtPriced,
        double emailOpens,
        double emailClicks,
        double unsubscribes,
        long lastEmailAt) {

    /** Nothing seen yet. */
    public static final ModelSignals NONE = new ModelSignals(0, 0, new long[0], 0, 0, 0, 0, 0, 0, 0, 0);
}
