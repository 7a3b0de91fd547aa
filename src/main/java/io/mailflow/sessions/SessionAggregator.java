package io.mailflow.sessions;

import io.mailflow.model.Event;
import io.mailflow.model.LineItem;
import io.mailflow.model.SessionSummary;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The session arithmetic, free of Flink: add an event, merge two partial sessions, summarize.
 *
 * <p>Every list is bounded by {@code maxItems} (most recent kept) so that one hyperactive user or
 * bot cannot blow up window state; counts and revenue stay exact. The cart is the set of items added
 * and not removed or bought, with their latest price and summed quantity.
 */
public final class SessionAggregator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int maxItems;

    public SessionAggregator(int maxItems) {
        this.maxItems = maxItems;
    }

    public SessionAccumulator add(SessionAccumulator acc, Event e) {
        acc.start = Math.min(acc.start, e.timestamp());
        acc.end = Math.max(acc.end, e.timestamp());
        if (e.categoryId() != null) {
            addCategory(acc, e.categoryId());
        }
        if (acc.currency == null && e.currency() != null) {
            acc.currency = e.currency();
        }
        switch (e.type()) {
            case VIEW -> {
                acc.views++;
                addBounded(acc.viewedItems, e.itemId());
            }
            case CLICK -> acc.clicks++;
            case SEARCH -> {
                acc.searches++;
                addBounded(acc.searchTerms, e.query());
            }
            case ADD_TO_CART -> {
                acc.addToCarts++;
                addToCart(acc, e);
            }
            case REMOVE_FROM_CART -> {
                acc.removeFromCarts++;
                acc.cartItems.removeIf(i -> i.itemId().equals(e.itemId()));
            }
            case FAVORITE -> acc.favorites++;
            case PURCHASE -> {
                acc.purchases++;
                acc.revenue += e.amount();
                addBounded(acc.purchasedItems, e.itemId());
                acc.cartItems.removeIf(i -> i.itemId().equals(e.itemId()));
            }
        }
        return acc;
    }

    /** Merges {@code b} into {@code a}; used when an event bridges two session windows. */
    public SessionAccumulator merge(SessionAccumulator a, SessionAccumulator b) {
        SessionAccumulator first = a.start <= b.start ? a : b;
        SessionAccumulator second = first == a ? b : a;
        SessionAccumulator m = new SessionAccumulator();
        m.start = Math.min(a.start, b.start);
        m.end = Math.max(a.end, b.end);
        m.views = a.views + b.views;
        m.clicks = a.clicks + b.clicks;
        m.searches = a.searches + b.searches;
        m.addToCarts = a.addToCarts + b.addToCarts;
        m.removeFromCarts = a.removeFromCarts + b.removeFromCarts;
        m.favorites = a.favorites + b.favorites;
        m.purchases = a.purchases + b.purchases;
        m.revenue = a.revenue + b.revenue;
        m.currency = first.currency != null ? first.currency : second.currency;
        m.categoriesOverflow = a.categoriesOverflow + b.categoriesOverflow;
        for (String c : first.categories) {
            addCategory(m, c);
        }
        for (String c : second.categories) {
            addCategory(m, c);
        }
        m.viewedItems = concatBounded(first.viewedItems, second.viewedItems);
        m.purchasedItems = concatBounded(first.purchasedItems, second.purchasedItems);
        m.searchTerms = concatBounded(first.searchTerms, second.searchTerms);
        m.cartItems = new ArrayList<>(first.cartItems);
        for (LineItem item : second.cartItems) {
            m.cartItems.removeIf(i -> i.itemId().equals(item.itemId()));
            m.cartItems.add(item);
        }
        // Items bought in the later part leave the cart of the earlier part.
        m.cartItems.removeIf(i -> second.purchasedItems.contains(i.itemId()));
        trim(m.cartItems);
        return m;
    }

    public SessionSummary summarize(String userId, SessionAccumulator acc) {
        return new SessionSummary(
                userId + "@" + acc.start,
                userId,
                acc.start,
                acc.end,
                acc.end - acc.start,
                acc.views,
                acc.clicks,
                acc.searches,
                acc.addToCarts,
                acc.removeFromCarts,
                acc.favorites,
                acc.purchases,
                acc.revenue,
                acc.currency,
                acc.categories.size() + acc.categoriesOverflow,
                List.copyOf(acc.viewedItems),
                List.copyOf(acc.cartItems),
                List.copyOf(acc.purchasedItems),
                List.copyOf(acc.searchTerms));
    }

    private void addToCart(SessionAccumulator acc, Event e) {
        int qty = e.quantity() == null ? 1 : e.quantity();
        LineItem prev = null;
        for (LineItem i : acc.cartItems) {
            if (i.itemId().equals(e.itemId())) {
                prev = i;
                break;
            }
        }
        if (prev != null) {
            acc.cartItems.remove(prev);
            qty += prev.quantity();
        }
        Double price = e.price() != null ? e.price() : prev != null ? prev.price() : null;
        String category = e.categoryId() != null ? e.categoryId() : prev != null ? prev.categoryId() : null;
        acc.cartItems.add(new LineItem(e.itemId(), category, price, qty, e.timestamp()));
        trim(acc.cartItems);
    }

    /** Distinct categories are counted exactly up to 4x maxItems, then approximately (overflow counter). */
    private void addCategory(SessionAccumulator acc, String category) {
        if (acc.categories.contains(category)) {
            return;
        }
        if (acc.categories.size() < 4 * maxItems) {
            acc.categories.add(category);
        } else {
            acc.categoriesOverflow++;
        }
    }

    private void addBounded(List<String> list, String value) {
        if (value == null) {
            return;
        }
        list.remove(value);
        list.add(value);
        trim(list);
    }

    private List<String> concatBounded(List<String> first, List<String> second) {
        List<String> out = new ArrayList<>(first);
        for (String s : second) {
            addBounded(out, s);
        }
        return out;
    }

    private <T> void trim(List<T> list) {
        while (list.size() > maxItems) {
            list.remove(0);
        }
    }
}
