package io.mailflow.feedback;

import static io.mailflow.io.InputRules.optionalBoolean;
import static io.mailflow.io.InputRules.optionalId;
import static io.mailflow.io.InputRules.optionalText;
import static io.mailflow.io.InputRules.requiredId;
import static io.mailflow.io.InputRules.requiredText;
import static io.mailflow.io.InputRules.requiredTime;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.ingestion.EventValidator;
import io.mailflow.io.InputRules;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses and validates one engagement event: the one place where the engagement schema's rules are
 * enforced (docs/events.md). Flink-free so that every rule is unit-tested directly.
 *
 * <p>Rules: UTF-8 JSON object of at most 16 KiB; {@code eventId}, {@code type}, {@code userId},
 * {@code campaignId} and {@code timestamp} required; at least one of {@code requestId} and
 * {@code messageId}; ids 1-128 characters of the safe alphabet ({@link InputRules#ID}); {@code messageId}
 * printable ASCII without spaces, at most 256; {@code url} an http(s) URL of at most 2048 characters;
 * {@code userAgent} clean text of at most 1024; the timestamp in the window of {@link InputRules#checkTime}.
 * {@link #validate} never throws.
 *
 * <p>Machine opens: an open counts as a machine's when the reporter says so ({@code "machine":true},
 * e.g. Apple Mail Privacy Protection detected by the pixel endpoint) or when its {@code userAgent}
 * names a known link scanner or prefetcher. Opens that a machine made stay in the data (as
 * {@code machineOpens}) but never count as a person's open.
 */
public final class EngagementValidator implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int MAX_PAYLOAD_BYTES = 16 * 1024;
    static final int MAX_ID_LENGTH = 128;
    static final int MAX_URL_LENGTH = 2048;
    /** Lower-case fragments of user agents of security scanners and prefetchers that fetch every pixel. */
    static final List<String> MACHINE_AGENTS = List.of(
            "barracuda",
            "mimecast",
            "proofpoint",
            "symantec",
            "bot",
            "crawler",
            "spider",
            "python-requests",
            "curl/",
            "wget/",
            "headlesschrome");

    private static final Pattern MESSAGE_ID = Pattern.compile("[!-~]+");
    private static final Pattern URL = Pattern.compile("(?i)https?://[!-~]+");
    private static final Set<String> BOUNCE_TYPES = Set.of("HARD", "SOFT");

    private final long maxFutureSkewMs;
    private final long maxAheadMs;

    /** With the default bound on running ahead of the stream ({@link EventValidator#DEFAULT_MAX_AHEAD}, at most the skew). */
    public EngagementValidator(Duration maxFutureSkew) {
        this(
                maxFutureSkew,
                EventValidator.DEFAULT_MAX_AHEAD.compareTo(maxFutureSkew) < 0
                        ? EventValidator.DEFAULT_MAX_AHEAD
                        : maxFutureSkew);
    }

    public EngagementValidator(Duration maxFutureSkew, Duration maxAhead) {
        this.maxFutureSkewMs = maxFutureSkew.toMillis();
        this.maxAheadMs = maxAhead.toMillis();
    }

    /** Exactly one of {@code event} and {@code error} is set. */
    public record Result(EngagementEvent event, String error) {
        public boolean valid() {
            return event != null;
        }
    }

    public Result validate(byte[] payload, long nowMillis) {
        return validate(payload, nowMillis, Long.MIN_VALUE);
    }

    /** @param streamTime the newest engagement time accepted so far on this stream, {@link Long#MIN_VALUE} for none */
    public Result validate(byte[] payload, long nowMillis, long streamTime) {
        try {
            JsonNode node = InputRules.object(payload, MAX_PAYLOAD_BYTES, "payload");
            return new Result(toEvent(node, nowMillis, streamTime), null);
        } catch (InputRules.Invalid e) {
            return new Result(null, e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            return new Result(null, "invalid engagement event (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * The same rules for an event that is already a JSON tree, e.g. one a producer has just built and will
     * serialize to at most {@code payloadBytes} bytes: what {@link #validate(byte[], long)} would answer for those
     * bytes, without decoding and parsing them again. Never throws.
     */
    public Result validate(JsonNode node, int payloadBytes, long nowMillis) {
        try {
            if (payloadBytes > MAX_PAYLOAD_BYTES) {
                throw new InputRules.Invalid(
                        "payload of " + payloadBytes + " bytes exceeds the limit of " + MAX_PAYLOAD_BYTES);
            }
            if (node == null || !node.isObject()) {
                throw new InputRules.Invalid("payload is not a JSON object");
            }
            return new Result(toEvent(node, nowMillis, Long.MIN_VALUE), null);
        } catch (InputRules.Invalid e) {
            return new Result(null, e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            return new Result(null, "invalid engagement event (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * The rules of {@link #validate} for the text fields of an event a reporter builds in code, so that it need not
     * write JSON and parse it back to know the job will take it: null when an event with these fields (and a
     * timestamp inside the accepted window, and no message id) is valid, else the reason. Blank optional fields
     * count as absent, as in {@link #validate}. {@code EngagementValidatorTest} checks that both agree.
     */
    public static String fieldsError(
            String eventId, String userId, String campaignId, String requestId, String url, String userAgent) {
        String e = idError("eventId", eventId);
        e = e != null ? e : idError("userId", userId);
        e = e != null ? e : idError("campaignId", campaignId);
        e = e != null ? e : idError("requestId", requestId);
        if (e == null && url != null && !url.isBlank()) {
            e = textError("url", url, MAX_URL_LENGTH);
            if (e == null && !URL.matcher(url).matches()) {
                e = "field 'url' must be an http or https URL without spaces";
            }
        }
        if (e == null && userAgent != null && !userAgent.isBlank()) {
            e = textError("userAgent", userAgent, 1024);
        }
        return e;
    }

    private static String idError(String field, String value) {
        if (value == null || value.isBlank()) {
            return "missing field '" + field + "'";
        }
        String e = textError(field, value, MAX_ID_LENGTH);
        if (e == null && !InputRules.ID.matcher(value).matches()) {
            e = "field '" + field + "' must use only letters, digits and . _ : @ # / + = ~ -";
        }
        return e;
    }

    private static String textError(String field, String value, int max) {
        if (value.length() > max) {
            return "field '" + field + "' is " + value.length() + " characters long, limit " + max;
        }
        String bad = InputRules.uncleanCharacter(value);
        return bad == null ? null : "field '" + field + "' contains " + bad;
    }

    private EngagementEvent toEvent(JsonNode n, long now, long streamTime) {
        String eventId = requiredId(n, "eventId", MAX_ID_LENGTH);
        EngagementType type = type(n);
        String userId = requiredId(n, "userId", MAX_ID_LENGTH);
        String campaignId = requiredId(n, "campaignId", MAX_ID_LENGTH);
        String requestId = optionalId(n, "requestId", MAX_ID_LENGTH);
        String messageId = optionalText(n, "messageId", MAX_ID_LENGTH * 2);
        if (messageId != null && !MESSAGE_ID.matcher(messageId).matches()) {
            throw new InputRules.Invalid("field 'messageId' must be printable ASCII without spaces");
        }
        if (requestId == null && messageId == null) {
            throw new InputRules.Invalid("needs 'requestId' or 'messageId' to know which e-mail it is about");
        }
        long ts = requiredTime(n, "timestamp");
        InputRules.checkTime("timestamp", ts, now, maxFutureSkewMs, streamTime, maxAheadMs);
        String url = optionalText(n, "url", MAX_URL_LENGTH);
        if (url != null && !URL.matcher(url).matches()) {
            throw new InputRules.Invalid("field 'url' must be an http or https URL without spaces");
        }
        String userAgent = optionalText(n, "userAgent", 1024);
        boolean machine =
                type == EngagementType.OPENED && (optionalBoolean(n, "machine", false) || machineAgent(userAgent));
        String bounceType = InputRules.optionalChoice(n, "bounceType", BOUNCE_TYPES);
        boolean hard = type == EngagementType.BOUNCED && !"SOFT".equals(bounceType);
        return new EngagementEvent(
                eventId,
                type,
                userId,
                campaignId,
                optionalId(n, "variant", MAX_ID_LENGTH),
                requestId,
                messageId,
                url,
                machine,
                hard,
                ts);
    }

    /** True when the user agent names a known link scanner or prefetcher ({@link #MACHINE_AGENTS}). */
    public static boolean machineAgent(String userAgent) {
        if (userAgent == null) {
            return false;
        }
        String ua = userAgent.toLowerCase(Locale.ROOT);
        return MACHINE_AGENTS.stream().anyMatch(ua::contains);
    }

    private static EngagementType type(JsonNode n) {
        String raw = requiredText(n, "type", 32);
        try {
            return EngagementType.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InputRules.Invalid("unknown engagement type '" + InputRules.abbreviate(raw) + "'");
        }
    }
}
