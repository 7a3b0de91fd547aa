package io.mailflow.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The field rules every input validator applies (docs/events.md, "Rules for every input"), in one place so
 * that events, engagement, profiles and suppressions cannot drift apart. Flink-free.
 *
 * <ul>
 *   <li>a payload is UTF-8 JSON, nested at most {@value #MAX_DEPTH} levels, and an object;
 *   <li>identifiers come from a safe alphabet ({@link #ID}): letters, digits and {@code . _ : @ # / + = ~ -};
 *   <li>free text is bounded and holds no control characters, no bidirectional overrides or isolates
 *       (U+202A-U+202E, U+2066-U+2069) and no zero-width or other invisible format characters;
 *   <li>numbers are finite and within documented bounds; integers fit their range exactly;
 *   <li>times are epoch milliseconds or ISO-8601 instants between {@link #MIN_TIMESTAMP} and {@link #MAX_TIMESTAMP};
 *       no input can make the parser overflow (a year of 300 million is a reason, not an exception).
 * </ul>
 *
 * Every violation is an {@link Invalid} whose message is the dead letter's reason. Reasons never echo a
 * field's value beyond {@value #ECHO} characters, so they stay small and cannot carry personal data far.
 */
public final class InputRules {
    /** Earliest accepted time: anything before is a broken clock or a unit mistake. */
    public static final long MIN_TIMESTAMP =
            Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();
    /** Latest time any input may name, whatever the skew settings (year 2200). */
    public static final long MAX_TIMESTAMP =
            Instant.parse("2200-01-01T00:00:00Z").toEpochMilli();
    /** Deepest JSON nesting accepted; no schema nests at all, so this only stops stack-eating documents. */
    public static final int MAX_DEPTH = 16;

    static final int ECHO = 40;

    /** Safe identifier alphabet; no spaces, quotes, angle brackets, control or non-ASCII characters. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@#/+=~-]+");

    /**
     * The parser of every input: bounded depth, number and string length, and a field named twice is an error
     * (which of two values a reader takes is an ambiguity an attacker could use between two readers).
     */
    static final JsonFactory STRICT_FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(64)
                    .maxStringLength(1 << 20)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final ObjectMapper STRICT = new ObjectMapper(STRICT_FACTORY);

    private InputRules() {}

    /** A rule broken by an input record; the message is the reason. Cheap: no stack trace. */
    public static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Invalid(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * The reason for a payload with a second document or other data after its JSON object. Two readers could
     * disagree about such a payload (one stops at the object, another reads on, a third takes the last document),
     * so it is refused, as is anything after the object that is not white space.
     */
    public static final String TRAILING = "data after the JSON object";

    /**
     * Decodes strict UTF-8 and parses one JSON object of at most {@code maxBytes}, with nothing but white space
     * after it.
     */
    public static JsonNode object(byte[] payload, int maxBytes, String what) {
        if (payload == null || payload.length == 0) {
            throw new Invalid("empty payload");
        }
        if (payload.length > maxBytes) {
            throw new Invalid("payload of " + payload.length + " bytes exceeds the limit of " + maxBytes);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Invalid("payload is not valid UTF-8");
        }
        try (JsonParser p = STRICT_FACTORY.createParser(text)) {
            JsonNode node = STRICT.readTree(p);
            if (node == null || !node.isObject()) {
                throw new Invalid(what + " is not a JSON object");
            }
            if (p.nextToken() != null) {
                throw new Invalid(TRAILING);
            }
            return node;
        } catch (Invalid e) {
            throw e;
        } catch (Exception | StackOverflowError e) {
            throw new Invalid("malformed JSON: " + firstLine(e.getMessage()));
        }
    }

    /** An identifier of 1 to {@code max} characters from {@link #ID}, or null when absent. */
    public static String optionalId(JsonNode n, String field, int max) {
        String s = optionalText(n, field, max);
        if (s != null && !ID.matcher(s).matches()) {
            throw new Invalid("field '" + field + "' must use only letters, digits and . _ : @ # / + = ~ -");
        }
        return s;
    }

    public static String requiredId(JsonNode n, String field, int max) {
        return required(field, optionalId(n, field, max));
    }

    /** Clean text of 1 to {@code max} characters, or null when absent, null or empty. Numbers are taken as text. */
    public static String optionalText(JsonNode n, String field, int max) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() && !v.isIntegralNumber()) {
            throw new Invalid("field '" + field + "' must be a string, got " + v.getNodeType());
        }
        String s = v.asText();
        if (s.isBlank()) {
            return null;
        }
        if (s.length() > max) {
            throw new Invalid("field '" + field + "' is " + s.length() + " characters long, limit " + max);
        }
        String bad = uncleanCharacter(s);
        if (bad != null) {
            throw new Invalid("field '" + field + "' contains " + bad);
        }
        return s;
    }

    public static String requiredText(JsonNode n, String field, int max) {
        return required(field, optionalText(n, field, max));
    }

    /**
     * Why {@code s} is not clean text ("control characters", "bidirectional control characters",
     * "invisible characters" or "unpaired surrogates"), or null when it is.
     */
    public static String uncleanCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                return "control characters";
            }
            if ((c >= '\u202A' && c <= '\u202E')
                    || (c >= '\u2066' && c <= '\u2069')
                    || c == '\u200E'
                    || c == '\u200F'
                    || c == '\u061C') {
                return "bidirectional control characters";
            }
            if (c == '\u200B'
                    || c == '\u200C'
                    || c == '\u200D'
                    || c == '\u2060'
                    || c == '\uFEFF'
                    || c == '\u00AD'
                    || (c >= '\uFFF0' && c <= '\uFFFF')
                    || (c >= '\u2028' && c <= '\u2029')) {
                return "invisible characters";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return "unpaired surrogates";
                }
                int cp = s.codePointAt(i);
                if (Character.getType(cp) == Character.FORMAT || Character.getType(cp) == Character.PRIVATE_USE) {
                    return "invisible characters";
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return "unpaired surrogates";
            }
        }
        return null;
    }

    /** A finite number in {@code [min, max]}, or null when absent. Strings ("NaN", "1e308") are not numbers. */
    public static Double optionalNumber(JsonNode n, String field, double min, double max) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new Invalid("field '" + field + "' must be a number, got " + v.getNodeType());
        }
        double d = v.doubleValue();
        if (d < min) {
            throw new Invalid("field '" + field + "' must be a finite number >= " + plain(min) + ", got "
                    + abbreviate(v.asText()));
        }
        if (!(d <= max)) {
            throw new Invalid("field '" + field + "' must be a finite number <= " + plain(max) + ", got "
                    + abbreviate(v.asText()));
        }
        return d == 0.0 ? 0.0 : d; // -0 becomes 0
    }

    /** An integer in {@code [min, max]}, or null when absent. */
    public static Integer optionalInt(JsonNode n, String field, int min, int max) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new Invalid(
                    "field '" + field + "' must be an integer, got " + v.getNodeType() + " " + abbreviate(v.asText()));
        }
        int i = v.intValue();
        if (i < min) {
            throw new Invalid("field '" + field + "' must be >= " + min + ", got " + i);
        }
        if (i > max) {
            throw new Invalid("field '" + field + "' must be <= " + max + ", got " + i);
        }
        return i;
    }

    /** A strict JSON boolean, or {@code fallback} when absent. */
    public static boolean optionalBoolean(JsonNode n, String field, boolean fallback) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new Invalid("field '" + field + "' must be true or false");
        }
        return v.booleanValue();
    }

    /** One of {@code allowed} (compared upper-case), or null when absent. */
    public static String optionalChoice(JsonNode n, String field, Set<String> allowed) {
        String s = optionalText(n, field, 32);
        if (s == null) {
            return null;
        }
        String upper = s.toUpperCase(java.util.Locale.ROOT);
        if (!allowed.contains(upper)) {
            throw new Invalid("unknown " + field + " '" + abbreviate(s) + "'");
        }
        return upper;
    }

    /**
     * Epoch milliseconds (an integer) or an ISO-8601 instant (a string), or null when absent. Never throws
     * anything but {@link Invalid}: instants beyond what epoch milliseconds can hold are reasons too.
     */
    public static Long optionalTime(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            if (!v.canConvertToLong()) {
                throw new Invalid("field '" + field + "' is out of range");
            }
            return v.longValue();
        }
        if (v.isTextual()) {
            return instantMillis(field, v.textValue());
        }
        throw new Invalid(
                "field '" + field + "' must be epoch milliseconds or an ISO-8601 string, got " + v.getNodeType());
    }

    /** An ISO-8601 instant as epoch milliseconds; anything else, or beyond what they can hold, is {@link Invalid}. */
    public static long instantMillis(String field, String s) {
        if (s.length() > 40) {
            throw new Invalid("field '" + field + "' is not an ISO-8601 instant: '" + abbreviate(s) + "'");
        }
        Instant instant;
        try {
            instant = Instant.parse(s);
        } catch (DateTimeException e) {
            throw new Invalid("field '" + field + "' is not an ISO-8601 instant: '" + abbreviate(s) + "'");
        }
        // toEpochMilli overflows (ArithmeticException) for years beyond about 292 million: check first.
        if (instant.isBefore(Instant.ofEpochMilli(Long.MIN_VALUE))
                || instant.isAfter(Instant.ofEpochMilli(Long.MAX_VALUE))) {
            throw new Invalid("field '" + field + "' is out of range: '" + abbreviate(s) + "'");
        }
        return instant.toEpochMilli();
    }

    public static long requiredTime(JsonNode n, String field) {
        return required(field, optionalTime(n, field));
    }

    /**
     * The time window of every timestamped input: not before {@link #MIN_TIMESTAMP}; not more than
     * {@code maxFutureSkewMs} ahead of the wall clock ({@code now}); and not more than {@code maxAheadMs} ahead
     * of the later of the wall clock and {@code streamTime}, the newest time accepted so far on this stream
     * ({@link Long#MIN_VALUE} before the first). The last rule keeps one record from dragging the stream's event
     * time (and so its watermark) far ahead: a record may lead the stream by the skew only as far as the stream
     * itself already runs ahead of the wall clock, plus {@code maxAheadMs}. Records in the past, as in a
     * replay, are never held back by it.
     */
    public static void checkTime(
            String field, long t, long now, long maxFutureSkewMs, long streamTime, long maxAheadMs) {
        if (t < MIN_TIMESTAMP) {
            throw new Invalid(field + " " + describe(t) + " is before 2000-01-01");
        }
        if (t > MAX_TIMESTAMP || t - now > maxFutureSkewMs) {
            throw new Invalid(field + " " + describe(t) + " is more than "
                    + java.time.Duration.ofMillis(maxFutureSkewMs) + " in the future");
        }
        long reference = Math.max(now, streamTime);
        if (t - reference > maxAheadMs) {
            throw new Invalid(field + " " + describe(t) + " is more than " + java.time.Duration.ofMillis(maxAheadMs)
                    + " ahead of the stream's event time " + describe(reference));
        }
    }

    /** {@link #checkTime} as a question: whether {@code t} lies in the time window (no reason, no exception). */
    public static boolean timeAllowed(long t, long now, long maxFutureSkewMs, long streamTime, long maxAheadMs) {
        return t >= MIN_TIMESTAMP
                && t <= MAX_TIMESTAMP
                && t - now <= maxFutureSkewMs
                && t - Math.max(now, streamTime) <= maxAheadMs;
    }

    /** {@code t} as an instant for a reason, or the raw number when it is outside what Instant prints. */
    public static String describe(long t) {
        try {
            return Instant.ofEpochMilli(t).toString();
        } catch (DateTimeException e) {
            return Long.toString(t);
        }
    }

    private static <T> T required(String field, T value) {
        if (value == null) {
            throw new Invalid("missing field '" + field + "'");
        }
        return value;
    }

    private static String plain(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    public static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return abbreviate(nl < 0 ? s : s.substring(0, nl));
    }

    /** At most {@value #ECHO} characters of {@code s}, control characters replaced. */
    public static String abbreviate(String s) {
        String cut = s.length() <= ECHO ? s : s.substring(0, ECHO - 3) + "...";
        StringBuilder b = new StringBuilder(cut.length());
        cut.codePoints()
                .forEach(cp -> b.appendCodePoint(
                        Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT ? '?' : cp));
        return b.toString();
    }
}
