package io.mailflow.testing;

import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Fixture builders with named instants, in the style of the Flink training exercises. */
public final class Events {
    /**
     * A fixed instant, never the wall clock: a Monday at noon UTC, so that a test's outcome cannot depend on
     * the date or hour it runs (quiet hours, day boundaries). It lies in the past, so the validators' bound on
     * future timestamps (wall clock plus skew) accepts it; the test broker keeps records of any age.
     */
    public static final long BEGINNING = Instant.parse("2026-03-02T12:00:00Z").toEpochMilli();

    public static final long ONE_MINUTE = Duration.ofMinutes(1).toMillis();
    public static final long ONE_HOUR = Duration.ofHours(1).toMillis();

    private static final AtomicLong IDS = new AtomicLong();

    private Events() {}

    public static Event view(String user, String item, long at) {
        return new Event(nextId(), user, null, EventType.VIEW, item, "cat-1", 10.0, null, "USD", null, at);
    }

    public static Event cart(String user, String item, double price, long at) {
        return new Event(nextId(), user, null, EventType.ADD_TO_CART, item, "cat-1", price, 1, "USD", null, at);
    }

    public static Event removal(String user, String item, long at) {
        return new Event(nextId(), user, null, EventType.REMOVE_FROM_CART, item, "cat-1", null, 1, null, null, at);
    }

    public static Event purchase(String user, String item, double price, long at) {
        return new Event(nextId(), user, null, EventType.PURCHASE, item, "cat-1", price, 1, "USD", null, at);
    }

    public static Event search(String user, String query, long at) {
        return new Event(nextId(), user, null, EventType.SEARCH, null, null, null, null, null, query, at);
    }

    private static String nextId() {
        return "t-" + IDS.incrementAndGet();
    }
}
