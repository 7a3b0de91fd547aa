package io.mailflow.ingestion;

import static io.mailflow.ingestion.EventValidatorEquivalenceTest.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The payloads where Jackson's byte parser and the text parser the tree read with could part ways, and the rules
 * that are easy to get wrong in a streaming reading, each pinned with its outcome: the streaming {@link
 * EventValidator} must give exactly the tree-based {@link TreeEventValidator}'s result, and that result is the one
 * named here (null for an accepted event).
 */
class EventValidatorEquivalenceExamplesTest {
    private static final String EVENT = "\"eventId\":\"e1\",\"userId\":\"u1\",\"type\":\"VIEW\",\"timestamp\":" + NOW;
    private static final String VALID = "{" + EVENT + "}";

    private final EventValidator streaming = new EventValidator(Duration.ofHours(1));
    private final TreeEventValidator reference = new TreeEventValidator(Duration.ofHours(1));

    static Stream<Arguments> payloads() {
        return Stream.of(
                // the byte parser skips a UTF-8 byte-order mark; the text parser (and so the reference) refuses it
                Arguments.of(
                        "byte-order mark",
                        concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, VALID),
                        "malformed JSON: Unexpected character ('?' (code 65279"),
                // the byte parser would read UTF-16 (zero bytes among the first four); the reference sees NUL
                Arguments.of("UTF-16", VALID.getBytes(StandardCharsets.UTF_16BE), "malformed JSON: Illegal character"),
                Arguments.of("leading NUL", concat(new byte[] {0}, VALID), "malformed JSON: Illegal character"),
                // after the object only white space: a second document or broken trailing data is refused
                Arguments.of("trailing document", utf8(VALID + " {}"), "data after the JSON object"),
                Arguments.of("trailing number", utf8(VALID + " 1"), "data after the JSON object"),
                Arguments.of("trailing garbage", utf8(VALID + "]x"), "malformed JSON: Unexpected close marker ']'"),
                Arguments.of("trailing white space", utf8(VALID + " \r\n\t "), null),
                // a name of 30,000 two-byte characters: over the byte parser's 50,000-byte name limit, within the
                // text parser's 50,000 characters, so the reference accepts it
                Arguments.of("long non-ASCII name", utf8("{\"" + "é".repeat(30_000) + "\":1," + EVENT + "}"), null),
                Arguments.of(
                        "name over the limit",
                        utf8("{\"" + "n".repeat(50_001) + "\":1," + EVENT + "}"),
                        "malformed JSON: Name length (50001) exceeds"),
                Arguments.of("nesting 16", utf8("{\"x\":" + "[".repeat(15) + "]".repeat(15) + "," + EVENT + "}"), null),
                Arguments.of(
                        "nesting 17",
                        utf8("{\"x\":" + "[".repeat(16) + "]".repeat(16) + "," + EVENT + "}"),
                        "malformed JSON: Document nesting depth (17) exceeds"),
                Arguments.of("64 digits", utf8("{\"x\":1" + "0".repeat(63) + "," + EVENT + "}"), null),
                Arguments.of(
                        "65 digits",
                        utf8("{\"x\":1" + "0".repeat(64) + "," + EVENT + "}"),
                        "malformed JSON: Number value length (65) exceeds"),
                Arguments.of(
                        "duplicate through an escape",
                        utf8("{\"\\u0065ventId\":\"e2\"," + EVENT + "}"),
                        "malformed JSON: Duplicate field 'eventId'"),
                Arguments.of(
                        "duplicate inside an unknown field",
                        utf8("{\"x\":{\"a\":1,\"a\":2}," + EVENT + "}"),
                        "malformed JSON: Duplicate field 'a'"),
                Arguments.of("NaN", utf8("{" + EVENT + ",\"price\":NaN}"), "malformed JSON: Non-standard token 'NaN'"),
                Arguments.of("-Infinity", utf8("{" + EVENT + ",\"price\":-Infinity}"), "malformed JSON: Non-standard"),
                Arguments.of(
                        "1e400",
                        utf8("{" + EVENT + ",\"price\":1e400}"),
                        "field 'price' must be a finite number <= 10000000, got Infinity"),
                Arguments.of(
                        "quantity 1.0",
                        utf8("{" + EVENT + ",\"quantity\":1.0}"),
                        "field 'quantity' must be an integer, got NUMBER 1.0"),
                Arguments.of(
                        "quantity as a string",
                        utf8("{" + EVENT + ",\"quantity\":\"2\"}"),
                        "field 'quantity' must be an integer, got STRING 2"),
                Arguments.of(
                        "quantity as an object",
                        utf8("{" + EVENT + ",\"quantity\":{\"a\":[1]}}"),
                        "field 'quantity' must be an integer, got OBJECT "),
                Arguments.of(
                        "timestamp beyond long",
                        utf8("{" + EVENT.replace("\"timestamp\":" + NOW, "") + "\"timestamp\":9223372036854775808}"),
                        "field 'timestamp' is out of range"),
                Arguments.of("user id -0 taken as text", utf8("{" + EVENT.replace("\"u1\"", "-0") + "}"), null),
                Arguments.of(
                        "user id beyond long taken as text",
                        utf8("{" + EVENT.replace("\"u1\"", "99999999999999999999") + "}"),
                        null),
                Arguments.of(
                        "user id as a float",
                        utf8("{" + EVENT.replace("\"u1\"", "1.5") + "}"),
                        "field 'userId' must be a string, got NUMBER"),
                Arguments.of(
                        "blank user id is absent",
                        utf8("{" + EVENT.replace("\"u1\"", "\"  \"") + "}"),
                        "missing field 'userId'"),
                Arguments.of("lone surrogate in an unknown field", utf8("{\"x\":\"\\ud800\"," + EVENT + "}"), null),
                Arguments.of(
                        "lone surrogate in the query",
                        utf8("{" + EVENT.replace("VIEW", "SEARCH") + ",\"query\":\"a\\ud800\"}"),
                        "field 'query' contains unpaired surrogates"),
                // strings of unknown fields are skipped, not decoded, but still checked
                Arguments.of(
                        "bad escape in an unknown field",
                        utf8("{\"x\":\"a\\qb\"," + EVENT + "}"),
                        "malformed JSON: Unrecognized character escape 'q'"),
                Arguments.of(
                        "control character in an unknown field",
                        utf8("{\"x\":\"a\u0001b\"," + EVENT + "}"),
                        "malformed JSON: Illegal unquoted character"),
                Arguments.of("unterminated root string", utf8("\"abc"), "malformed JSON: Unexpected end-of-input"),
                Arguments.of("root array", utf8("[" + VALID + "]"), "payload is not a JSON object"),
                Arguments.of("whitespace only", utf8(" \n"), "payload is not a JSON object"),
                Arguments.of("empty", new byte[0], "empty payload"),
                Arguments.of(
                        "overlong UTF-8",
                        concat(new byte[] {(byte) 0xC0, (byte) 0xAF}, VALID),
                        "payload is not valid UTF-8"),
                Arguments.of(
                        "encoded surrogate",
                        concat(
                                concat(utf8("{\"x\":\""), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
                                "\"," + EVENT + "}"),
                        "payload is not valid UTF-8"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void theStreamingReadingGivesTheReferenceResult(String name, byte[] payload, String reason) {
        EventValidator.Result expected = reference.validate(payload, NOW);
        assertThat(streaming.validate(payload, NOW)).isEqualTo(expected);
        if (reason == null) {
            assertThat(expected.error()).isNull();
        } else {
            assertThat(expected.error()).startsWith(reason);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, String b) {
        return concat(a, utf8(b));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
