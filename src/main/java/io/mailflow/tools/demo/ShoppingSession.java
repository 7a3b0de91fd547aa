package io.mailflow.tools.demo;

import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One visit to the shop as a small Markov chain over the shopper's last action: search, click a
 * result, view the product, maybe favourite or add it to the cart, and eventually check out or just
 * leave. A checkout buys most of the cart; leaving with a full cart is an abandonment, and the
 * weights make that the outcome of roughly two out of three carting sessions (about the industry
 * average). The cart belongs to the {@link Shopper}, so a later session may buy what this one left.
 *
 * <p>Steps before the simulation start (the warm-up) run without emitting and without touching the
 * cart, so every visible removal or purchase refers to an add the consumer has seen.
 */
final class ShoppingSession {
    static final long END = -1;
    static final int MAX_CART_LINES = 6;
    private static final int MAX_STEPS = 80; // bounds runaway sessions; real ones rarely exceed 40
    private static final long MIN_GAP_MS = 1_000;
    /** Far below the 30-minute session gap, so one visit is never split into two session windows. */
    private static final long MAX_GAP_MS = 10 * 60_000;

    private enum Action {
        VIEW,
        CLICK,
        SEARCH,
        ADD,
        REMOVE,
        FAVORITE,
        CHECKOUT,
        EXIT,
        START
    }

    /** Row: last action (VIEW..FAVORITE, then START); column: next action (VIEW..EXIT). */
    private static final double[][] WEIGHTS = {
        {30, 14, 10, 14, 2, 5, 7, 16}, // after VIEW
        {85, 0, 5, 0, 0, 0, 0, 10}, // after CLICK: almost always opens the clicked product
        {8, 60, 12, 0, 0, 0, 0, 20}, // after SEARCH: click a result, refine, or give up
        {35, 10, 10, 0, 4, 0, 18, 25}, // after ADD
        {35, 5, 15, 0, 0, 0, 15, 30}, // after REMOVE
        {45, 10, 15, 10, 0, 0, 0, 20}, // after FAVORITE
        {50, 15, 35, 0, 0, 0, 8, 0}, // at START: CHECKOUT only when returning to an earlier cart
    };
    /** Median seconds spent on the page an action leads to, before the next action. */
    private static final double[] DWELL_MEDIAN_S = {30, 3, 10, 12, 8, 8};

    private static final double CHECKOUT_MEDIAN_S = 120;

    private final String sessionId;
    private final Shopper shopper;
    private final Catalog catalog;
    private final Rng rng;
    private final Supplier<String> eventIds;
    private final Category topic;
    private Action last = Action.START;
    private Category searched;
    private int currentItem; // 0 = none
    private boolean checkoutPending;
    private int steps;
    private long lastEventAt;

    ShoppingSession(String sessionId, Shopper shopper, Catalog catalog, Rng rng, Supplier<String> eventIds) {
        this.sessionId = sessionId;
        this.shopper = shopper;
        this.catalog = catalog;
        this.rng = rng;
        this.eventIds = eventIds;
        this.topic = rng.chance(0.75) ? rng.pick(shopper.interests) : rng.pick(Category.ALL);
    }

    /**
     * Takes the step due at {@code now}, appending its events (visible steps only) to {@code out}.
     *
     * @return when the next step is due, or {@link #END} when the shopper has left
     */
    long step(long now, boolean visible, List<Event> out) {
        if (checkoutPending) {
            purchase(now, visible, out);
            return END;
        }
        Action next = steps >= MAX_STEPS ? Action.EXIT : choose();
        switch (next) {
            case EXIT -> {
                return END;
            }
            case CHECKOUT -> {
                // The checkout form takes a while; it started on the page of the last event.
                checkoutPending = true;
                long checkout = clamp(rng.logNormal(CHECKOUT_MEDIAN_S, 0.5));
                return steps == 0 ? now + checkout : Math.max(now, lastEventAt + checkout);
            }
            case SEARCH -> {
                searched = rng.chance(0.8) ? topic : rng.pick(Category.ALL);
                emit(out, visible, now, EventType.SEARCH, 0, null, searched.query(shopper.chineseSpeaker, rng));
            }
            case CLICK -> {
                Category from =
                        last == Action.SEARCH ? searched : last == Action.VIEW ? catalog.category(currentItem) : topic;
                currentItem = rng.chance(0.85) ? catalog.popularItemIn(from, rng) : catalog.popularItem(rng);
                emit(out, visible, now, EventType.CLICK, currentItem, null, null);
            }
            case VIEW -> {
                if (last != Action.CLICK) { // after a click the shopper views the clicked product
                    currentItem = nextViewed();
                }
                emit(out, visible, now, EventType.VIEW, currentItem, null, null);
            }
            case ADD -> {
                int quantity = quantity();
                if (visible) {
                    shopper.cart.put(currentItem, quantity);
                }
                emit(out, visible, now, EventType.ADD_TO_CART, currentItem, quantity, null);
            }
            case REMOVE -> {
                List<Integer> lines = new ArrayList<>(shopper.cart.keySet());
                int item = lines.get(rng.below(lines.size()));
                int quantity = shopper.cart.remove(item);
                emit(out, visible, now, EventType.REMOVE_FROM_CART, item, quantity, null);
            }
            case FAVORITE -> emit(out, visible, now, EventType.FAVORITE, currentItem, null, null);
            default -> throw new IllegalStateException("unexpected action " + next);
        }
        last = next;
        return now + clamp(rng.logNormal(DWELL_MEDIAN_S[next.ordinal()], 0.8));
    }

    private Action choose() {
        double[] w = WEIGHTS[last == Action.START ? WEIGHTS.length - 1 : last.ordinal()].clone();
        boolean cartEmpty = shopper.cart.isEmpty(); // always empty during warm-up
        if (currentItem == 0 || shopper.cart.containsKey(currentItem) || shopper.cart.size() >= MAX_CART_LINES) {
            w[Action.ADD.ordinal()] = 0;
        }
        if (currentItem == 0) {
            w[Action.FAVORITE.ordinal()] = 0;
        }
        if (cartEmpty) {
            w[Action.REMOVE.ordinal()] = 0;
            w[Action.CHECKOUT.ordinal()] = 0;
        }
        return Action.values()[rng.weighted(w)];
    }

    /** Related products keep the shopper in a category; otherwise the topic or the shop's bestsellers. */
    private int nextViewed() {
        if (currentItem != 0 && rng.chance(0.6)) {
            return catalog.popularItemIn(catalog.category(currentItem), rng);
        }
        if (last == Action.SEARCH) {
            return catalog.popularItemIn(searched, rng);
        }
        return rng.chance(0.5) ? catalog.popularItemIn(topic, rng) : catalog.popularItem(rng);
    }

    private int quantity() {
        double u = rng.uniform();
        return u < 0.75 ? 1 : u < 0.93 ? 2 : 3;
    }

    /** Buys each cart line with high probability, at least one; the rest stays for another day. */
    private void purchase(long now, boolean visible, List<Event> out) {
        List<Map.Entry<Integer, Integer>> bought = new ArrayList<>();
        for (Map.Entry<Integer, Integer> line : shopper.cart.entrySet()) {
            if (bought.isEmpty() || rng.chance(0.85)) {
                bought.add(Map.entry(line.getKey(), line.getValue()));
            }
        }
        for (Map.Entry<Integer, Integer> line : bought) {
            shopper.cart.remove(line.getKey());
            emit(out, visible, now, EventType.PURCHASE, line.getKey(), line.getValue(), null);
        }
    }

    private void emit(
            List<Event> out, boolean visible, long now, EventType type, int item, Integer quantity, String query) {
        steps++;
        lastEventAt = now;
        if (!visible) {
            return;
        }
        out.add(new Event(
                eventIds.get(),
                shopper.userId(),
                sessionId,
                type,
                item == 0 ? null : Catalog.itemId(item),
                item == 0 ? null : catalog.category(item).id(),
                item == 0 ? null : catalog.price(item, shopper.currency),
                quantity,
                item == 0 ? null : shopper.currency,
                query,
                now));
    }

    private static long clamp(double seconds) {
        return Math.max(MIN_GAP_MS, Math.min(MAX_GAP_MS, Math.round(seconds * 1000)));
    }

    int steps() {
        return steps;
    }

    long lastEventAt() {
        return lastEventAt;
    }
}
