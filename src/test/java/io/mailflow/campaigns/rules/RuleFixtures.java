package io.mailflow.campaigns.rules;

import io.mailflow.campaigns.ViewTally;
import io.mailflow.model.LineItem;
import io.mailflow.model.SessionSummary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Plain-Java stand-ins for the operator's state, for rule tests without Flink. */
final class RuleFixtures {
    private RuleFixtures() {}

    /** A session of {@code user} with {@code cartItems} items left in the cart and the given purchased items. */
    static SessionSummary session(String user, long start, long end, int cartItems, List<String> purchased) {
        List<LineItem> items = new ArrayList<>();
        for (int i = 0; i < cartItems; i++) {
            items.add(new LineItem("sku-" + i, "cat-1", 10.0, 1, end));
        }
        return new SessionSummary(
                user + "@" + start,
                user,
                start,
                end,
                end - start,
                1,
                0,
                0,
                cartItems,
                0,
                0,
                purchased.size(),
                purchased.size() * 10.0,
                "USD",
                1,
                List.of(),
                List.copyOf(items),
                purchased,
                List.of());
    }

    /** View tallies in a map, remembering when each may expire. */
    static final class MapTallies implements ViewTallies {
        final Map<String, ViewTally> tallies = new HashMap<>();
        final Map<String, Long> expiries = new HashMap<>();

        @Override
        public ViewTally get(String key) {
            return tallies.get(key);
        }

        @Override
        public void put(String key, ViewTally tally, long expiresAt) {
            tallies.put(key, tally);
            expiries.put(key, expiresAt);
        }
    }

    /** Carts and purchases by event time, as the operator records them. */
    static final class Log {
        final TreeMap<Long, Integer> flags = new TreeMap<>();

        Log cart(long t) {
            flags.put(t, Activity.record(flags.get(t), false));
            return this;
        }

        Log purchase(long t) {
            flags.put(t, Activity.record(flags.get(t), true));
            return this;
        }

        Activity activity() {
            return Activity.of(flags.entrySet());
        }
    }
}
