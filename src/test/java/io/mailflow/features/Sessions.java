package io.mailflow.features;

import io.mailflow.model.LineItem;
import io.mailflow.model.SessionSummary;
import java.util.List;

/** Fixture builder for session summaries, with named instants. */
public final class Sessions {
    public static final long HOUR = 3_600_000L;
    public static final long DAY = 24 * HOUR;
    public static final long BEGINNING = 1_700_000_000_000L;

    private Sessions() {}

    /** A 10-minute browsing session with {@code views} views and nothing else. */
    public static SessionSummary browse(String user, long start, int views) {
        return new SessionSummary(
                user + "@" + start,
                user,
                start,
                start + 600_000,
                600_000,
                views,
                0,
                0,
                0,
                0,
                0,
                0,
                0.0,
                "EUR",
                1,
                List.of(),
                List.of(),
                List.of(),
                List.of());
    }

    /** A 20-minute session that carted one item of {@code category} and, if {@code buy}, bought it for {@code price}. */
    public static SessionSummary cart(String user, long start, String category, boolean buy, double price) {
        LineItem item = new LineItem("item-" + category, category, price, 1, start + 60_000);
        return new SessionSummary(
                user + "@" + start,
                user,
                start,
                start + 1_200_000,
                1_200_000,
                3,
                1,
                2,
                1,
                0,
                0,
                buy ? 1 : 0,
                buy ? price : 0.0,
                "EUR",
                1,
                List.of("item-" + category),
                List.of(item),
                buy ? List.of("item-" + category) : List.of(),
                List.of("q"));
    }
}
