package io.mailflow.sessions;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.Event;
import io.mailflow.model.LineItem;
import io.mailflow.model.SessionSummary;
import io.mailflow.testing.Events;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionAggregatorTest {
    private final SessionAggregator agg = new SessionAggregator(3);

    private SessionSummary run(List<Event> events) {
        SessionAccumulator acc = new SessionAccumulator();
        for (Event e : events) {
            agg.add(acc, e);
        }
        return agg.summarize("u1", acc);
    }

    @Test
    void countsRevenueAndTimes() {
        SessionSummary s = run(List.of(
                Events.view("u1", "a", BEGINNING),
                Events.search("u1", "shoes", BEGINNING + ONE_MINUTE),
                Events.cart("u1", "a", 10.0, BEGINNING + 2 * ONE_MINUTE),
                Events.cart("u1", "b", 5.0, BEGINNING + 3 * ONE_MINUTE),
                Events.purchase("u1", "a", 10.0, BEGINNING + 4 * ONE_MINUTE)));
        assertThat(s.start()).isEqualTo(BEGINNING);
        assertThat(s.end()).isEqualTo(BEGINNING + 4 * ONE_MINUTE);
        assertThat(s.durationMs()).isEqualTo(4 * ONE_MINUTE);
        assertThat(s.views()).isEqualTo(1);
        assertThat(s.searches()).isEqualTo(1);
        assertThat(s.addToCarts()).isEqualTo(2);
        assertThat(s.purchases()).isEqualTo(1);
        assertThat(s.revenue()).isEqualTo(10.0);
        assertThat(s.purchasedItems()).containsExactly("a");
        assertThat(s.cartItems()).extracting(LineItem::itemId).containsExactly("b");
        assertThat(s.searchTerms()).containsExactly("shoes");
        assertThat(s.abandonedCart()).isFalse();
        assertThat(s.sessionKey()).isEqualTo("u1@" + BEGINNING);
    }

    @Test
    void cartAddsUpQuantitiesAndRemovalsEmptyIt() {
        SessionSummary s = run(List.of(
                Events.cart("u1", "a", 10.0, BEGINNING),
                Events.cart("u1", "a", 12.0, BEGINNING + 1),
                Events.cart("u1", "b", 1.0, BEGINNING + 2),
                Events.removal("u1", "b", BEGINNING + 3)));
        assertThat(s.cartItems()).containsExactly(new LineItem("a", "cat-1", 12.0, 2, BEGINNING + 1));
        assertThat(s.abandonedCart()).isTrue();
        assertThat(s.removeFromCarts()).isEqualTo(1);
    }

    @Test
    void listsAreBoundedToTheMostRecentItems() {
        SessionSummary s = run(List.of(
                Events.view("u1", "a", BEGINNING),
                Events.view("u1", "b", BEGINNING + 1),
                Events.view("u1", "c", BEGINNING + 2),
                Events.view("u1", "d", BEGINNING + 3),
                Events.view("u1", "b", BEGINNING + 4)));
        assertThat(s.viewedItems()).containsExactly("c", "d", "b");
        assertThat(s.views()).isEqualTo(5);
    }

    @Test
    void mergingTwoPartsEqualsAggregatingAllEvents() {
        List<Event> first = List.of(Events.cart("u1", "a", 10.0, BEGINNING), Events.view("u1", "x", BEGINNING + 1));
        List<Event> second =
                List.of(Events.purchase("u1", "a", 10.0, BEGINNING + 10), Events.cart("u1", "b", 3.0, BEGINNING + 11));
        SessionAccumulator a = new SessionAccumulator();
        first.forEach(e -> agg.add(a, e));
        SessionAccumulator b = new SessionAccumulator();
        second.forEach(e -> agg.add(b, e));

        SessionSummary merged = agg.summarize("u1", agg.merge(b, a));
        SessionSummary whole = run(List.of(first.get(0), first.get(1), second.get(0), second.get(1)));
        assertThat(merged).isEqualTo(whole);
    }
}
