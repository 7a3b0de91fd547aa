package io.mailflow.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.ingestion.EventValidator;
import io.mailflow.io.Json;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * Parses and validates one engagement event. Flink-free so that every rule is unit-tested directly.
 *
 * <p>Rules (docs/events.md): UTF-8 JSON object of at most 16 KiB; {@code eventId}, {@code type},
 * {@code userId}, {@code campaignId} and {@code timestamp} required; at least one of {@code requestId}
 * and {@code messageId}; ids 1-128 characters without control characters; {@code url} at most 2048
 * characters; the timestamp between 2000-01-01 and the wall clock plus the allowed skew.
 *
 * <p>Machine opens: an open counts as a machine's when the reporter says so ({@code "machine":true},
 * e.g. Apple Mail Privacy Protection detected by the pixel endpoint) or when its {@code userAgent}
 * names a known link scanner or prefetcher. Opens that a machine made stay in the data (as
 * {@code machineOpens}) but never count as a person's open.
 */
public final class EngagementValidator implements Serializable {
    private static final long serialVersionUID = 1L;

    static final int MAX_PAYLOAD_BYTES = 16 * 1024;
    static final int MAX_ID_LENGTH = 128;
    static final int MAX_URL_LENGTH = 2048;
    /** Lower-case fragments of user agents of security scanners and prefetchers that fetch every pixel. */
    static final List<String> MACHINE_AGENTS = List.of(
            "barracuda", "mimecast", "proofpoint", "symantec", "bot", "crawler", "spider", "python-requests",
            "curl/", "wget/", "headlesschrome");

    private final long maxFutureSkewMs;

    public EngagementValidator(Duration maxFutureSkew) {
        this.maxFutureSkewMs = maxFutureSkew.toMillis();
    }

    /** Exactly one of {@code event} and {@code error} is set. */
    public record Result(EngagementEvent event, String error) {
        public boolean valid() {
            return event != null;
        }
    }

    public Result validate(byte[] payload, long nowMillis) {
        if (payload == null || payload.length == 0) {
            return new Result(null, "empty payload");
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            return new Result(null, "payload of " + payload.length + " bytes exceeds the limit of " + MAX_PAYLOAD_BYTES);
        }
        JsonNode node;
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload)).toString();
            node = Json.mapper().readTree(text);
        } catch (CharacterCodingException e) {
            return new Result(null, "payload is not valid UTF-8");
        } catch (Exception e) {
            return new Result(null, "malformed JSON");
        }
        if (node == null || !node.isObject()) {
            return new Result(null, "payload is not a JSON object");
        }
        try {
            return new Result(toEvent(node, nowMillis), null);
        } catch (IllegalArgumentException e) {
            return new Result(null, e.getMessage());
        }
    }

    private EngagementEvent toEvent(JsonNode n, long now) {
        String eventId = required(n, "eventId", MAX_ID_LENGTH);
        EngagementType type = type(n);
        String userId = required(n, "userId", MAX_ID_LENGTH);
        String campaignId = required(n, "campaignId", MAX_ID_LENGTH);
        String requestId = optional(n, "requestId", MAX_ID_LENGTH);
        String messageId = optional(n, "messageId", MAX_ID_LENGTH * 2);
        if (requestId == null && messageId == null) {
            throw new IllegalArgumentException("needs 'requestId' or 'messageId' to know which e-mail it is about");
        }
        long ts = timestamp(n);
        if (ts < EventValidator.MIN_TIMESTAMP) {
            throw new IllegalArgumentException("timestamp " + Instant.ofEpochMilli(ts) + " is before 2000-01-01");
        }
        if (ts > now + maxFutureSkewMs) {
            throw new IllegalArgumentException("timestamp " + Instant.ofEpochMilli(ts) + " is more than "
                    + Duration.ofMillis(maxFutureSkewMs) + " in the future");
        }
        String userAgent = optional(n, "userAgent", 1024);
        boolean machine = type == EngagementType.OPENED && (bool(n, "machine", false) || machineAgent(userAgent));
        boolean hard = type == EngagementType.BOUNCED && !"soft".equalsIgnoreCase(optional(n, "bounceType", 16));
        return new EngagementEvent(eventId, type, userId, campaignId, optional(n, "variant", MAX_ID_LENGTH),
                requestId, messageId, optional(n, "url", MAX_URL_LENGTH), machine, hard, ts);
    }

    static boolean machineAgent(String userAgent) {
        if (userAgent == null) {
            return false;
        }
        String ua = userAgent.toLowerCase(Locale.ROOT);
        return MACHINE_AGENTS.stream().anyMatch(ua::contains);
    }

    private static EngagementType type(JsonNode n) {
        String raw = required(n, "type", 32);
        try {
            return EngagementType.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown engagement type '" + raw + "'");
        }
    }

    private static long timestamp(JsonNode n) {
        JsonNode v = n.get("timestamp");
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing field 'timestamp'");
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v.isTextual()) {
            try {
                return Instant.parse(v.textValue()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("field 'timestamp' is not an ISO-8601 instant");
            }
        }
        throw new IllegalArgumentException("field 'timestamp' must be epoch milliseconds or an ISO-8601 string");
    }

    private static boolean bool(JsonNode n, String field, boolean fallback) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("field '" + field + "' must be true or false");
        }
        return v.booleanValue();
    }

    private static String required(JsonNode n, String field, int maxLength) {
        String v = optional(n, field, maxLength);
        if (v == null) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return v;
    }

    private static String optional(JsonNode n, String field, int maxLength) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' must be a string");
        }
        String s = v.textValue();
        if (s.isEmpty() || s.length() > maxLength) {
            throw new IllegalArgumentException("field '" + field + "' must have 1-" + maxLength + " characters");
        }
        if (s.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("field '" + field + "' contains control characters");
        }
        return s;
    }
}
