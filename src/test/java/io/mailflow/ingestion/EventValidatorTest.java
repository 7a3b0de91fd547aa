package io.mailflow.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventValidatorTest {
    private static final long NOW = Instant.parse("2026-11-01T12:00:00Z").toEpochMilli();
    private final EventValidator validator = new EventValidator(Duration.ofHours(1));

    private EventValidator.Result validate(String json) {
        return validator.validate(json.getBytes(StandardCharsets.UTF_8), NOW);
    }

    @Test
    void acceptsACompleteEvent() {
        EventValidator.Result r = validate("""
                {"eventId":"e1","userId":"u1","sessionId":"s1","type":"add_to_cart","itemId":"sku-1","categoryId":"c1",
                 "price":19.5,"quantity":2,"currency":"EUR","timestamp":%d,"futureField":"ignored"}""".formatted(NOW - 1000));
        assertThat(r.error()).isNull();
        assertThat(r.event().type()).isEqualTo(EventType.ADD_TO_CART);
        assertThat(r.event().amount()).isEqualTo(39.0);
        assertThat(r.event().sessionId()).isEqualTo("s1");
    }

    @Test
    void acceptsIsoTimestamps() {
        EventValidator.Result r = validate(
                "{\"eventId\":\"e\",\"userId\":\"u\",\"type\":\"VIEW\",\"timestamp\":\"2026-11-01T11:00:00Z\"}");
        assertThat(r.event().timestamp()).isEqualTo(NOW - 3_600_000);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            not json                                                                                  | malformed JSON
            [1,2]                                                                                     | payload is not a JSON object
            {"userId":"u","type":"VIEW","timestamp":1772000000000}                                    | missing field 'eventId'
            {"eventId":"e","type":"VIEW","timestamp":1772000000000}                                   | missing field 'userId'
            {"eventId":"e","userId":"u","type":"VIEW"}                                                | missing field 'timestamp'
            {"eventId":"e","userId":"u","type":"JUMP","timestamp":1772000000000}                      | unknown event type 'JUMP'
            {"eventId":"e","userId":"u","type":"ADD_TO_CART","timestamp":1772000000000}               | missing field 'itemId' (required for ADD_TO_CART)
            {"eventId":"e","userId":"u","type":"SEARCH","timestamp":1772000000000}                    | missing field 'query' (required for SEARCH)
            {"eventId":"e","userId":"u","type":"VIEW","price":-1,"timestamp":1772000000000}           | field 'price' must be a finite number >= 0, got -1
            {"eventId":"e","userId":"u","type":"VIEW","price":"12","timestamp":1772000000000}         | field 'price' must be a number, got STRING
            {"eventId":"e","userId":"u","type":"VIEW","quantity":0,"timestamp":1772000000000}         | field 'quantity' must be >= 1, got 0
            {"eventId":"e","userId":"u","type":"VIEW","quantity":1.5,"timestamp":1772000000000}       | field 'quantity' must be an integer
            {"eventId":"e","userId":"u","type":"VIEW","currency":"euro","timestamp":1772000000000}    | field 'currency' is 4 characters long, limit 3
            {"eventId":"e","userId":"u","type":"VIEW","currency":"eu1","timestamp":1772000000000}     | field 'currency' must be a three-letter ISO 4217 code
            {"eventId":"e","userId":"u","type":"VIEW","timestamp":"yesterday"}                        | field 'timestamp' is not an ISO-8601 instant
            {"eventId":"e","userId":"u","type":"VIEW","timestamp":86400000}                           | is before 2000-01-01
            {"eventId":"e","userId":"u","type":"VIEW","timestamp":1900000000000}                      | in the future
            {"eventId":"e","userId":{"a":1},"type":"VIEW","timestamp":1772000000000}                  | field 'userId' must be a string, got OBJECT
            """)
    void rejectsWithAReasonNamingTheProblem(String json, String reason) {
        EventValidator.Result r = validate(json);
        assertThat(r.valid()).isFalse();
        assertThat(r.error()).contains(reason);
    }

    @Test
    void refusesDataAfterTheObjectThatAnotherReaderCouldTakeForTheEvent() {
        String valid = "{\"eventId\":\"e1\",\"userId\":\"u1\",\"type\":\"VIEW\",\"timestamp\":" + NOW + "}";
        assertThat(validate(valid + "\n").valid()).isTrue();
        // a reader that takes the last of several documents would see user u2
        String second = valid.replace("u1", "u2");
        assertThat(validate(valid + second).error()).isEqualTo("data after the JSON object");
        assertThat(validate(valid + " null").error()).isEqualTo("data after the JSON object");
        assertThat(validate(valid + "}").error()).startsWith("malformed JSON: Unexpected close marker");
        // and its time moves no watermark: the source's peek refuses the same payload
        byte[] twice = (valid + second).getBytes(StandardCharsets.UTF_8);
        assertThat(io.mailflow.io.TimestampPeek.peek(twice, "timestamp", EventValidator.MAX_PAYLOAD_BYTES))
                .isEqualTo(io.mailflow.io.TimestampPeek.NONE);
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] bad = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThat(validator.validate(bad, NOW).error()).isEqualTo("payload is not valid UTF-8");
    }

    @Test
    void rejectsHugeFieldsAndPayloads() {
        String longId = "x".repeat(EventValidator.MAX_ID_LENGTH + 1);
        assertThat(validate("{\"eventId\":\"" + longId
                                + "\",\"userId\":\"u\",\"type\":\"VIEW\",\"timestamp\":1772000000000}")
                        .error())
                .contains("field 'eventId' is 129 characters long, limit 128");
        byte[] huge = new byte[EventValidator.MAX_PAYLOAD_BYTES + 1];
        assertThat(validator.validate(huge, NOW).error()).contains("exceeds the limit");
    }

    @Test
    void rejectsControlCharactersThatCouldReachHeadersOrLogs() {
        assertThat(validate(
                                "{\"eventId\":\"e\",\"userId\":\"u\\r\\nBcc: x\",\"type\":\"VIEW\",\"timestamp\":1772000000000}")
                        .error())
                .isEqualTo("field 'userId' contains control characters");
    }

    @Test
    void aHugeIsoYearIsAReasonNotAnException() {
        for (String year :
                new String[] {"+300000000-01-01T00:00:00Z", "-300000000-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z"
                }) {
            EventValidator.Result r =
                    validate("{\"eventId\":\"e\",\"userId\":\"u\",\"type\":\"VIEW\",\"timestamp\":\"" + year + "\"}");
            assertThat(r.valid()).isFalse();
            assertThat(r.error()).contains("timestamp");
        }
    }

    @Test
    void pricesAndQuantitiesAreBoundedSoThatAnAmountIsAlwaysFinite() {
        String purchase =
                "{\"eventId\":\"e\",\"userId\":\"u\",\"type\":\"PURCHASE\",\"itemId\":\"i\",\"timestamp\":1772000000000,";
        assertThat(validate(purchase + "\"price\":1e308,\"quantity\":2}").error())
                .contains("field 'price' must be a finite number <= 10000000");
        assertThat(validate(purchase + "\"price\":1e400}").error()).contains("field 'price'");
        assertThat(validate(purchase + "\"price\":1,\"quantity\":10001}").error())
                .contains("field 'quantity' must be <= 10000");
        EventValidator.Result max = validate(purchase + "\"price\":10000000,\"quantity\":10000}");
        assertThat(max.valid()).isTrue();
        assertThat(Double.isFinite(max.event().amount())).isTrue();
        assertThat(validate(purchase + "\"price\":-0.0}").event().price()).isEqualTo(0.0);
    }

    @Test
    void identifiersUseASafeAlphabetAndTextHasNoBidiOrInvisibleCharacters() {
        assertThat(validate(
                                "{\"eventId\":\"e\",\"userId\":\"u\u202Eevil\",\"type\":\"VIEW\",\"timestamp\":1772000000000}")
                        .error())
                .isEqualTo("field 'userId' contains bidirectional control characters");
        assertThat(validate("{\"eventId\":\"e\",\"userId\":\"u\u0456d\",\"type\":\"VIEW\",\"timestamp\":1772000000000}")
                        .error())
                .startsWith("field 'userId' must use only letters, digits");
        assertThat(validate(
                                "{\"eventId\":\"e\",\"userId\":\"u\",\"type\":\"SEARCH\",\"query\":\"a\u200Bb\",\"timestamp\":1772000000000}")
                        .error())
                .isEqualTo("field 'query' contains invisible characters");
    }

    @Test
    void anEventFarAheadOfTheStreamIsRejectedEvenWithinTheWallClockSkew() {
        String at = "{\"eventId\":\"e\",\"userId\":\"u\",\"type\":\"VIEW\",\"timestamp\":%d}";
        // the stream is where the wall clock is: 50 minutes ahead is within the 1 h skew, but far ahead of the stream
        EventValidator.Result ahead =
                validator.validate(at.formatted(NOW + 50 * 60_000).getBytes(StandardCharsets.UTF_8), NOW, NOW);
        assertThat(ahead.error()).contains("ahead of the stream's event time");
        assertThat(validator
                        .validate(at.formatted(NOW + 4 * 60_000).getBytes(StandardCharsets.UTF_8), NOW, NOW)
                        .valid())
                .isTrue();
        // a stream whose producer clock runs 40 minutes ahead: its events may lead that stream by the bound
        long stream = NOW + 40 * 60_000;
        assertThat(validator
                        .validate(at.formatted(stream + 4 * 60_000).getBytes(StandardCharsets.UTF_8), NOW, stream)
                        .valid())
                .isTrue();
        // a replay of the past after a long quiet gap is never held back
        assertThat(validator
                        .validate(
                                at.formatted(NOW - 86_400_000L).getBytes(StandardCharsets.UTF_8),
                                NOW,
                                NOW - 10 * 86_400_000L)
                        .valid())
                .isTrue();
        // the wall-clock skew still applies
        assertThat(validator
                        .validate(
                                at.formatted(NOW + 2 * 3_600_000L).getBytes(StandardCharsets.UTF_8),
                                NOW,
                                NOW + 3_500_000L)
                        .error())
                .contains("in the future");
    }

    @Test
    void emptyPayloadIsRejected() {
        assertThat(validator.validate(new byte[0], NOW).error()).isEqualTo("empty payload");
    }
}
