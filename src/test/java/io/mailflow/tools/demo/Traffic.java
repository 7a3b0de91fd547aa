package io.mailflow.tools.demo;

import io.mailflow.model.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Named fixtures for the generator tests. */
final class Traffic {
    static final long START = Instant.parse("2025-06-02T09:00:00Z").toEpochMilli();
    static final long THIRTY_MINUTES = 30 * 60_000L;
    /**
     * Enough shoppers for 5 events/s that nobody has to shop again within the session gap, few enough
     * that 50,000 events (about three simulated hours) see shoppers come back.
     */
    static final int USERS = 5_000;

    static final int ITEMS = 5_000;
    static final double RATE = 5.0;

    private Traffic() {}

    static ShoppingTrafficGenerator generator(long seed) {
        return new ShoppingTrafficGenerator(seed, USERS, ITEMS, START, RATE);
    }

    static List<Event> take(ShoppingTrafficGenerator g, int n) {
        List<Event> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            events.add(g.next());
        }
        return events;
    }
}
