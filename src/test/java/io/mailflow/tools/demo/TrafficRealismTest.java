package io.mailflow.tools.demo;

import static io.mailflow.tools.demo.Traffic.THIRTY_MINUTES;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The behaviour the downstream pipeline relies on: sessions, carts, abandonment, popularity. */
class TrafficRealismTest {
    private static List<Event> events;
    private static Map<String, List<Event>> bySession;

    @BeforeAll
    static void generate() {
        events = Traffic.take(Traffic.generator(42), 50_000);
        bySession = events.stream()
                .collect(Collectors.groupingBy(Event::sessionId, LinkedHashMap::new, Collectors.toList()));
    }

    @Test
    void mixHasEveryTypeWithBrowsingDominating() {
        Map<EventType, Long> mix = events.stream().collect(Collectors.groupingBy(Event::type, Collectors.counting()));
        assertThat(mix.keySet()).isEqualTo(EnumSet.allOf(EventType.class));
        assertThat(mix.get(EventType.PURCHASE)).isPositive();
        assertThat(mix.get(EventType.VIEW)).isGreaterThan(mix.get(EventType.ADD_TO_CART));
        assertThat(mix.get(EventType.ADD_TO_CART)).isGreaterThan(mix.get(EventType.PURCHASE));
        assertThat(mix.get(EventType.REMOVE_FROM_CART)).isLessThan(mix.get(EventType.ADD_TO_CART) / 4);
    }

    @Test
    void mostCartingSessionsAbandonTheirCart() {
        long carting = 0;
        long abandoned = 0;
        for (List<Event> session : bySession.values()) {
            if (has(session, EventType.ADD_TO_CART)) {
                carting++;
                abandoned += has(session, EventType.PURCHASE) ? 0 : 1;
            }
        }
        assertThat(carting).isGreaterThan(500);
        assertThat((double) abandoned / carting).isBetween(0.5, 0.8);
    }

    /** Replays each user's cart from the stream: removals and purchases only touch carted lines. */
    @Test
    void removalsAndPurchasesReferToTheUsersCart() {
        Map<String, Map<String, Integer>> carts = new HashMap<>();
        Map<String, String> cartedIn = new HashMap<>();
        long boughtInLaterSession = 0;
        for (Event e : events) {
            Map<String, Integer> cart = carts.computeIfAbsent(e.userId(), u -> new HashMap<>());
            String line = e.userId() + "/" + e.itemId();
            switch (e.type()) {
                case ADD_TO_CART -> {
                    assertThat(cart).as("re-adding %s", e).doesNotContainKey(e.itemId());
                    cart.put(e.itemId(), e.quantity());
                    cartedIn.put(line, e.sessionId());
                }
                case REMOVE_FROM_CART, PURCHASE -> {
                    assertThat(cart).as("%s", e).containsEntry(e.itemId(), e.quantity());
                    cart.remove(e.itemId());
                    boughtInLaterSession += e.type() == EventType.PURCHASE
                                    && !cartedIn.get(line).equals(e.sessionId())
                            ? 1
                            : 0;
                }
                default -> {}
            }
        }
        assertThat(boughtInLaterSession)
                .as("purchases of carts left in an earlier session")
                .isPositive();
    }

    /** A 30-minute event-time session window per user recovers exactly the generator's sessions. */
    @Test
    void thirtyMinuteSessionWindowsSeparateSessions() {
        Map<String, List<Event>> byUser = events.stream().collect(Collectors.groupingBy(Event::userId));
        int multiSessionUsers = 0;
        for (List<Event> stream : byUser.values()) {
            stream.sort(Comparator.comparingLong(Event::timestamp));
            Set<String> seen = new HashSet<>();
            for (int i = 1; i < stream.size(); i++) {
                Event prev = stream.get(i - 1);
                Event cur = stream.get(i);
                long gap = cur.timestamp() - prev.timestamp();
                if (cur.sessionId().equals(prev.sessionId())) {
                    assertThat(gap).as("gap within %s", cur.sessionId()).isLessThanOrEqualTo(10 * 60_000L);
                } else {
                    assertThat(gap).as("gap before %s", cur.sessionId()).isGreaterThan(THIRTY_MINUTES);
                    assertThat(seen.add(prev.sessionId()))
                            .as("session %s resumed", prev.sessionId())
                            .isTrue();
                    multiSessionUsers++;
                }
            }
        }
        assertThat(multiSessionUsers).as("some shoppers come back").isPositive();
        assertThat(bySession.values())
                .allSatisfy(s -> assertThat(s)
                        .extracting(Event::userId)
                        .containsOnly(s.get(0).userId()));
        assertThat(bySession.size()).as("many interleaved sessions").isGreaterThan(2_000);
    }

    @Test
    void popularityIsSkewedAndCatalogAttributesAreStable() {
        Map<String, Long> views = events.stream()
                .filter(e -> e.type() == EventType.VIEW)
                .collect(Collectors.groupingBy(Event::itemId, Collectors.counting()));
        List<Long> sorted = new ArrayList<>(views.values());
        sorted.sort(Comparator.reverseOrder());
        long total = sorted.stream().mapToLong(Long::longValue).sum();
        long top1Percent = sorted.stream()
                .limit(Traffic.ITEMS / 100)
                .mapToLong(Long::longValue)
                .sum();
        assertThat((double) top1Percent / total)
                .as("share of views on the top 1%% of items")
                .isGreaterThan(0.25);

        Map<String, String> category = new HashMap<>();
        Map<String, Double> price = new HashMap<>();
        for (Event e : events) {
            if (e.itemId() != null) {
                assertThat(category.merge(e.itemId(), e.categoryId(), (a, b) -> a))
                        .isEqualTo(e.categoryId());
                assertThat(price.merge(e.itemId() + e.currency(), e.price(), (a, b) -> a))
                        .isEqualTo(e.price());
            }
        }
        assertThat(new HashSet<>(category.values())).hasSizeGreaterThanOrEqualTo(18);
    }

    @Test
    void searchesUseCategoryVocabularyInBothLanguages() {
        Set<String> queries = events.stream()
                .filter(e -> e.type() == EventType.SEARCH)
                .map(Event::query)
                .collect(Collectors.toSet());
        assertThat(queries).contains("running shoes", "wireless earbuds", "连衣裙");
        assertThat(queries).hasSizeGreaterThan(40);
    }

    @Test
    void currencyFollowsTheShoppersLocale() {
        Map<String, String> currencyOf = new HashMap<>();
        for (Event e : events) {
            if (e.currency() != null) {
                assertThat(currencyOf.merge(e.userId(), e.currency(), (a, b) -> a))
                        .isEqualTo(e.currency());
            }
        }
        assertThat(new HashSet<>(currencyOf.values())).containsExactlyInAnyOrder("USD", "CNY");
    }

    private static boolean has(List<Event> session, EventType type) {
        return session.stream().anyMatch(e -> e.type() == type);
    }
}
