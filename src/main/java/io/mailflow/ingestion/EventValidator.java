package io.mailflow.ingestion;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.io.Json;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;

/**
 * Parses and validates one JSON event. Flink-free so that every rule is unit-tested directly.
 *
 * <p>The rules (docs/events.md): the payload is UTF-8 JSON; {@code eventId}, {@code userId},
 * {@code type} and {@code timestamp} are required; {@code itemId} is required for cart, favourite
 * and purchase events and {@code query} for searches; {@code price} is a finite number ≥ 0,
 * {@code quantity} an integer ≥ 1, {@code currency} a three-letter code; the timestamp lies between
 * 2000-01-01 and the wall clock plus the allowed skew; text fields have bounded length.
 */
public final class EventValidator implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Earliest accepted event time: anything before is a broken clock or a unit mistake. */
    public static final long MIN_TIMESTAMP = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();

    static final int MAX_ID_LENGTH = 128;
    static final int MAX_TEXT_LENGTH = 512;
    static final int MAX_PAYLOAD_BYTES = 64 * 1024;
    private static final Set<EventType> NEEDS_ITEM = Set.of(
            EventType.ADD_TO_CART, EventType.REMOVE_FROM_CART, EventType.FAVORITE, EventType.PURCHASE);

    private final long maxFutureSkewMs;

    public EventValidator(Duration maxFutureSkew) {
        this.maxFutureSkewMs = maxFutureSkew.toMillis();
    }

    /** The result of validating one payload: exactly one of {@code event} and {@code error} is set. */
    public record Result(Event event, String error) {
        static Result ok(Event e) {
            return new Result(e, null);
        }

        static Result fail(String reason) {
            return new Result(null, reason);
        }

        public boolean valid() {
            return event != null;
        }
    }

    public Result validate(byte[] payload, long nowMillis) {
        if (payload == null || payload.length == 0) {
            return Result.fail("empty payload");
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            return Result.fail("payload of " + payload.length + " bytes exceeds the limit of " + MAX_PAYLOAD_BYTES);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload))
                    .toString();
        } catch (CharacterCodingException e) {
            return Result.fail("payload is not valid UTF-8");
        }
        JsonNode node;
        try {
            node = Json.mapper().readTree(text);
        } catch (Exception e) {
            return Result.fail("malformed JSON: " + firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            return Result.fail("payload is not a JSON object");
        }
        try {
            return Result.ok(toEvent(node, nowMillis));
        } catch (InvalidField e) {
            return Result.fail(e.getMessage());
        }
    }

    private Event toEvent(JsonNode n, long now) {
        String eventId = requiredText(n, "eventId", MAX_ID_LENGTH);
        String userId = requiredText(n, "userId", MAX_ID_LENGTH);
        EventType type = type(n);
        long ts = timestamp(n);
        if (ts < MIN_TIMESTAMP) {
            throw new InvalidField("timestamp " + Instant.ofEpochMilli(ts) + " is before 2000-01-01");
        }
        if (ts > now + maxFutureSkewMs) {
            throw new InvalidField("timestamp " + Instant.ofEpochMilli(ts) + " is more than "
                    + Duration.ofMillis(maxFutureSkewMs) + " in the future");
        }
        String itemId = optionalText(n, "itemId", MAX_ID_LENGTH);
        if (itemId == null && NEEDS_ITEM.contains(type)) {
            throw new InvalidField("missing field 'itemId' (required for " + type + ")");
        }
        String query = optionalText(n, "query", MAX_TEXT_LENGTH);
        if (query == null && type == EventType.SEARCH) {
            throw new InvalidField("missing field 'query' (required for SEARCH)");
        }
        Double price = price(n);
        Integer quantity = quantity(n);
        String currency = optionalText(n, "currency", 3);
        if (currency != null && !currency.matches("[A-Z]{3}")) {
            throw new InvalidField("field 'currency' must be a three-letter ISO 4217 code, got '" + currency + "'");
        }
        return new Event(
                eventId,
                userId,
                optionalText(n, "sessionId", MAX_ID_LENGTH),
                type,
                itemId,
                optionalText(n, "categoryId", MAX_ID_LENGTH),
                price,
                quantity,
                currency,
                query,
                ts);
    }

    private static EventType type(JsonNode n) {
        String raw = requiredText(n, "type", 32);
        try {
            return EventType.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidField("unknown event type '" + raw + "'");
        }
    }

    /** Epoch milliseconds as a number, or an ISO-8601 instant as text. */
    private static long timestamp(JsonNode n) {
        JsonNode v = n.get("timestamp");
        if (v == null || v.isNull()) {
            throw new InvalidField("missing field 'timestamp'");
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v.isTextual()) {
            try {
                return Instant.parse(v.textValue()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new InvalidField("field 'timestamp' is not an ISO-8601 instant: '" + abbreviate(v.textValue()) + "'");
            }
        }
        throw new InvalidField("field 'timestamp' must be epoch milliseconds or an ISO-8601 string, got " + v.getNodeType());
    }

    private static Double price(JsonNode n) {
        JsonNode v = n.get("price");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new InvalidField("field 'price' must be a number, got " + v.getNodeType());
        }
        double d = v.doubleValue();
        if (!Double.isFinite(d) || d < 0) {
            throw new InvalidField("field 'price' must be a finite number >= 0, got " + v.asText());
        }
        return d;
    }

    private static Integer quantity(JsonNode n) {
        JsonNode v = n.get("quantity");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new InvalidField("field 'quantity' must be an integer, got " + v.getNodeType() + " " + abbreviate(v.asText()));
        }
        int q = v.intValue();
        if (q < 1) {
            throw new InvalidField("field 'quantity' must be >= 1, got " + q);
        }
        return q;
    }

    private static String requiredText(JsonNode n, String field, int maxLength) {
        String v = optionalText(n, field, maxLength);
        if (v == null) {
            throw new InvalidField("missing field '" + field + "'");
        }
        return v;
    }

    private static String optionalText(JsonNode n, String field, int maxLength) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() && !v.isIntegralNumber()) {
            throw new InvalidField("field '" + field + "' must be a string, got " + v.getNodeType());
        }
        String s = v.asText();
        if (s.isBlank()) {
            return null;
        }
        if (s.length() > maxLength) {
            throw new InvalidField("field '" + field + "' is " + s.length() + " characters long, limit " + maxLength);
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                throw new InvalidField("field '" + field + "' contains control characters");
            }
        }
        return s;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return abbreviate(nl < 0 ? s : s.substring(0, nl));
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static final class InvalidField extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidField(String message) {
            super(message, null, false, false);
        }
    }
}
