package io.mailflow.tools.demo;

import static io.mailflow.tools.demo.Traffic.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Percentage.withPercentage;

import io.mailflow.ingestion.EventValidator;
import io.mailflow.io.Json;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The contract: determinism, the simulated clock, the arrival rate and well-formed events. */
class ShoppingTrafficGeneratorTest {
    private static final Set<EventType> NEEDS_ITEM =
            EnumSet.of(EventType.ADD_TO_CART, EventType.REMOVE_FROM_CART, EventType.FAVORITE, EventType.PURCHASE);

    private static ShoppingTrafficGenerator generator;
    private static List<Event> events;

    @BeforeAll
    static void generate() {
        generator = Traffic.generator(42);
        events = Traffic.take(generator, 50_000);
    }

    @Test
    void sameSeedGivesSameTrafficAndProfiles() {
        ShoppingTrafficGenerator a = Traffic.generator(7);
        ShoppingTrafficGenerator b = Traffic.generator(7);
        assertThat(Traffic.take(a, 5_000)).isEqualTo(Traffic.take(b, 5_000));
        assertThat(a.profiles()).isEqualTo(b.profiles());
        assertThat(a.countsByType()).isEqualTo(b.countsByType());
    }

    @Test
    void differentSeedsGiveDifferentTraffic() {
        assertThat(Traffic.take(Traffic.generator(8), 100)).isNotEqualTo(Traffic.take(Traffic.generator(7), 100));
    }

    @Test
    void timestampsStartAtTheStartAndNeverDecrease() {
        assertThat(events.get(0).timestamp()).isGreaterThanOrEqualTo(START);
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).timestamp())
                    .as("event %d", i)
                    .isGreaterThanOrEqualTo(events.get(i - 1).timestamp());
        }
        assertThat(generator.now()).isEqualTo(events.get(events.size() - 1).timestamp());
    }

    @Test
    void everyEventObeysTheEventRules() {
        Set<String> ids = new HashSet<>();
        for (Event e : events) {
            assertThat(e.eventId()).startsWith("gen-");
            assertThat(ids.add(e.eventId())).as("unique %s", e.eventId()).isTrue();
            assertThat(e.userId()).matches("u\\d+");
            assertThat(e.sessionId()).isNotBlank();
            if (NEEDS_ITEM.contains(e.type())) {
                assertThat(e.itemId()).as("%s", e).isNotNull();
            }
            if (e.itemId() != null) {
                assertThat(e.itemId()).matches("sku-\\d+");
                assertThat(e.categoryId()).matches("cat-\\d+");
                assertThat(e.price()).isGreaterThanOrEqualTo(0.0);
                assertThat(Math.round(e.price() * 100) / 100.0).isEqualTo(e.price());
                assertThat(e.currency()).matches("[A-Z]{3}").isIn("USD", "CNY");
            }
            if (e.type() == EventType.SEARCH) {
                assertThat(e.query()).isNotBlank();
            }
            if (e.quantity() != null) {
                assertThat(e.quantity()).isBetween(1, 3);
            }
        }
    }

    /** The pipeline's own validator accepts every generated event once serialized. */
    @Test
    void ingestionValidatorAcceptsEveryEvent() {
        EventValidator validator = new EventValidator(Duration.ofMinutes(5));
        for (Event e : events.subList(0, 5_000)) {
            EventValidator.Result result = validator.validate(Json.toBytes(e), e.timestamp());
            assertThat(result.error()).as("%s", e).isNull();
            assertThat(result.event()).isEqualTo(e);
        }
    }

    @Test
    void countsByTypeMatchTheEmittedEvents() {
        for (EventType type : EventType.values()) {
            long emitted = events.stream().filter(e -> e.type() == type).count();
            assertThat(generator.countsByType()).containsEntry(type, emitted);
        }
    }

    @ParameterizedTest(name = "{0} events/s with {1} users")
    @CsvSource({"20.0, 20000, 50000", "0.5, 2000, 3000", "200.0, 1000, 50000"})
    void meanEventRateIsTheRequestedOne(double rate, int users, int n) {
        ShoppingTrafficGenerator g = new ShoppingTrafficGenerator(3, users, 2_000, START, rate);
        List<Event> sample = Traffic.take(g, n);
        assertThat(rate(sample)).isCloseTo(rate, withPercentage(20));
        // The warm-up makes the stream start in steady state instead of ramping up.
        assertThat(rate(sample.subList(0, n / 10))).isCloseTo(rate, withPercentage(20));
    }

    @Test
    void tooFewUsersKeepTheRateButReportCrowdedSessions() {
        ShoppingTrafficGenerator g = new ShoppingTrafficGenerator(3, 50, 100, START, 10.0);
        assertThat(rate(Traffic.take(g, 10_000))).isCloseTo(10.0, withPercentage(20));
        assertThat(g.crowdedSessions()).isPositive();
    }

    @Test
    void enoughUsersNeverCrowdASession() {
        assertThat(generator.crowdedSessions()).isZero();
    }

    /** Events per simulated second since the start. */
    private static double rate(List<Event> sample) {
        return sample.size() / ((sample.get(sample.size() - 1).timestamp() - START) / 1000.0);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new ShoppingTrafficGenerator(1, 0, 10, START, 1.0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ShoppingTrafficGenerator(1, 10, 0, START, 1.0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ShoppingTrafficGenerator(1, 10, 10, START, 0.0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ShoppingTrafficGenerator(1, 10, 10, START, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
