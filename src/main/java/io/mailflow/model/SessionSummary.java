package io.mailflow.model;

import java.util.List;

/**
 * What one user did in one session (an event-time session window). Item lists are bounded, most
 * recent last; counts are exact.
 */
public record SessionSummary(
        String sessionKey,
        String userId,
        long start,
        long end,
        long durationMs,
        int views,
        int clicks,
        int searches,
        int addToCarts,
        int removeFromCarts,
        int favorites,
        int purchases,
        double revenue,
        String currency,
        int distinctCategories,
        List<String> viewedItems,
        List<LineItem> cartItems,
        List<String> purchasedItems,
        List<String> searchTerms) {

    public int eventCount() {
        return views + clicks + searches + addToCarts + removeFromCarts + favorites + purchases;
    }

    /** True when the session left items in the cart and bought nothing. */
    public boolean abandonedCart() {
        return purchases == 0 && !cartItems.isEmpty();
    }
}
