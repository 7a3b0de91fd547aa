package io.mailflow.adversarial;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.feedback.EngagementValidator;
import io.mailflow.ingestion.EventValidator;
import io.mailflow.io.TimestampPeek;
import io.mailflow.model.DeadLetter;
import io.mailflow.profiles.ProfileParser;
import io.mailflow.profiles.SuppressionValidator;
import io.mailflow.testing.AdversarialCorpus;
import io.mailflow.testing.HostileJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property-based tests over each input schema: objects whose fields are drawn from the schema and filled with
 * values of any type, typical or hostile. Whatever the input, {@code validate} never throws, yields exactly
 * one of a value and a reason, and every accepted value has finite, bounded numbers and clean, bounded strings.
 */
class InputPropertiesTest {
    private static final long NOW = AdversarialCorpus.NOW;
    private static final Duration SKEW = Duration.ofHours(1);
    private static final Arbitrary<String> TIME = Arbitraries.oneOf(
            Arbitraries.longs()
                    .between(AdversarialCorpus.T - 86_400_000L, NOW + 7_200_000L)
                    .map(Object::toString),
            HostileJson.instant());

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Provide
    Arbitrary<String> events() {
        return HostileJson.objects(
                List.of(
                        "eventId",
                        "userId",
                        "sessionId",
                        "type",
                        "itemId",
                        "categoryId",
                        "price",
                        "quantity",
                        "currency",
                        "query",
                        "timestamp",
                        "extra"),
                Map.of(
                        "type",
                        Arbitraries.of("\"VIEW\"", "\"purchase\"", "\"SEARCH\"", "\"ADD_TO_CART\"", "\"FAVORITE\""),
                        "eventId",
                        Arbitraries.strings()
                                .alpha()
                                .ofMinLength(1)
                                .ofMaxLength(8)
                                .map(HostileJson::quote),
                        "userId",
                        Arbitraries.strings()
                                .alpha()
                                .ofMinLength(1)
                                .ofMaxLength(8)
                                .map(HostileJson::quote),
                        "itemId",
                        Arbitraries.strings()
                                .alpha()
                                .ofMinLength(1)
                                .ofMaxLength(8)
                                .map(HostileJson::quote),
                        "price",
                        Arbitraries.doubles().between(-10, 2e7).map(Object::toString),
                        "quantity",
                        Arbitraries.integers().between(-1, 20_000).map(Object::toString),
                        "currency",
                        Arbitraries.of("\"USD\"", "\"usd\"", "\"EURO\""),
                        "timestamp",
                        TIME));
    }

    @Property(tries = 2000)
    void eventsValidateWithoutThrowingAndAcceptOnlyBoundedValues(@ForAll("events") String json) {
        EventValidator.Result r = new EventValidator(SKEW).validate(utf8(json), NOW);
        assertThat(r.valid()).isNotEqualTo(r.error() != null);
        if (r.valid()) {
            AdversarialCorpusTest.assertBounded(r.event());
        } else {
            assertThat(r.error()).isNotBlank().hasSizeLessThan(DeadLetter.MAX_REASON_CHARS);
        }
    }

    /**
     * The sources' per-partition watermarks read an event's time without the validator ({@link TimestampPeek}):
     * for every event the validator accepts, that time is the event's time, so a valid event's record timestamp
     * is its {@code timestamp}; and for an event it refuses, a peeked time still obeys the time rules or is none.
     */
    @Property(tries = 2000)
    void thePeekedTimeOfEveryValidEventIsItsTime(@ForAll("events") String json) {
        long peeked = TimestampPeek.peek(utf8(json), "timestamp", EventValidator.MAX_PAYLOAD_BYTES);
        EventValidator.Result r = new EventValidator(SKEW).validate(utf8(json), NOW);
        if (r.valid()) {
            assertThat(peeked).isEqualTo(r.event().timestamp());
        }
    }

    @Property(tries = 2000)
    void thePeekedTimeOfEveryValidEngagementEventIsItsTime(@ForAll("engagement") String json) {
        long peeked = TimestampPeek.peek(utf8(json), "timestamp", EngagementValidator.MAX_PAYLOAD_BYTES);
        EngagementValidator.Result r = new EngagementValidator(SKEW).validate(utf8(json), NOW);
        if (r.valid()) {
            assertThat(peeked).isEqualTo(r.event().timestamp());
        }
    }

    @Provide
    Arbitrary<String> engagement() {
        return HostileJson.objects(
                List.of(
                        "eventId",
                        "type",
                        "userId",
                        "campaignId",
                        "requestId",
                        "messageId",
                        "variant",
                        "url",
                        "machine",
                        "userAgent",
                        "bounceType",
                        "timestamp"),
                Map.of(
                        "type",
                        Arbitraries.of("\"OPENED\"", "\"clicked\"", "\"BOUNCED\"", "\"UNSUBSCRIBED\""),
                        "eventId",
                        Arbitraries.strings()
                                .alpha()
                                .ofMinLength(1)
                                .ofMaxLength(8)
                                .map(HostileJson::quote),
                        "userId",
                        Arbitraries.strings()
                                .alpha()
                                .ofMinLength(1)
                                .ofMaxLength(8)
                                .map(HostileJson::quote),
                        "campaignId",
                        Arbitraries.strings()
                                .alpha()
                                .ofMinLength(1)
                                .ofMaxLength(8)
                                .map(HostileJson::quote),
                        "requestId",
                        Arbitraries.strings()
                                .alpha()
                                .ofMinLength(1)
                                .ofMaxLength(8)
                                .map(HostileJson::quote),
                        "url",
                        HostileJson.string().map(s -> "\"https://x/" + s.substring(1)),
                        "machine",
                        Arbitraries.of("true", "false", "\"true\""),
                        "bounceType",
                        Arbitraries.of("\"soft\"", "\"hard\"", "\"x\""),
                        "timestamp",
                        TIME));
    }

    @Property(tries = 2000)
    void engagementValidatesWithoutThrowingAndAcceptsOnlyBoundedValues(@ForAll("engagement") String json) {
        EngagementValidator.Result r = new EngagementValidator(SKEW).validate(utf8(json), NOW);
        assertThat(r.valid()).isNotEqualTo(r.error() != null);
        if (r.valid()) {
            AdversarialCorpusTest.assertBounded(r.event());
        } else {
            assertThat(r.error()).isNotBlank().hasSizeLessThan(DeadLetter.MAX_REASON_CHARS);
        }
    }

    @Provide
    Arbitrary<String> profiles() {
        return HostileJson.objects(
                List.of("userId", "email", "name", "locale", "timeZone", "consent", "updatedAt", "erase"),
                Map.of(
                        "userId",
                        Arbitraries.strings()
                                .alpha()
                                .ofMinLength(1)
                                .ofMaxLength(8)
                                .map(HostileJson::quote),
                        "email",
                        HostileJson.string().map(s -> "\"" + s.substring(1, s.length() - 1) + "@example.com\""),
                        "timeZone",
                        Arbitraries.of("\"UTC\"", "\"Europe/Berlin\"", "\"Mars/Phobos\""),
                        "consent",
                        Arbitraries.of("true", "false", "\"yes\""),
                        "updatedAt",
                        TIME));
    }

    @Property(tries = 2000)
    void profilesParseWithoutThrowingAndAcceptOnlyBoundedValues(@ForAll("profiles") String json) {
        ProfileParser.Result r = new ProfileParser(SKEW).parse(utf8(json), NOW);
        assertThat(r.profile() != null).isNotEqualTo(r.error() != null);
        if (r.profile() != null) {
            AdversarialCorpusTest.assertBounded(r.profile());
        } else {
            assertThat(r.error()).isNotBlank().doesNotContain("@example.com");
        }
    }

    @Provide
    Arbitrary<String> suppressions() {
        return HostileJson.objects(
                List.of("userId", "reason", "requestId", "at"),
                Map.of(
                        "userId",
                        Arbitraries.strings()
                                .alpha()
                                .ofMinLength(1)
                                .ofMaxLength(8)
                                .map(HostileJson::quote),
                        "reason",
                        Arbitraries.of("\"UNSUBSCRIBED\"", "\"complained\"", "\"BOUNCED\""),
                        "at",
                        TIME));
    }

    @Property(tries = 2000)
    void suppressionsValidateWithoutThrowingAndAcceptOnlyBoundedValues(@ForAll("suppressions") String json) {
        SuppressionValidator.Result r = new SuppressionValidator(SKEW).validate(utf8(json), AdversarialCorpus.T, NOW);
        assertThat(r.update() != null).isNotEqualTo(r.error() != null);
        if (r.update() != null) {
            AdversarialCorpusTest.assertBounded(r.update());
        } else {
            assertThat(r.error()).isNotBlank().hasSizeLessThan(DeadLetter.MAX_REASON_CHARS);
        }
    }

    @Property(tries = 500)
    void arbitraryBytesNeverThrow(@ForAll byte[] payload) {
        assertThat(new EventValidator(SKEW).validate(payload, NOW).valid()).isFalse();
        assertThat(new EngagementValidator(SKEW).validate(payload, NOW).valid()).isFalse();
        assertThat(new ProfileParser(SKEW).parse(payload, NOW).profile()).isNull();
        assertThat(new SuppressionValidator(SKEW).validate(payload, 0, NOW).update())
                .isNull();
    }
}
