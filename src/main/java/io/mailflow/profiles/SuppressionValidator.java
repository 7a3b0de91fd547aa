package io.mailflow.profiles;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.io.InputRules;
import io.mailflow.model.ContactUpdate;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses and validates one suppression record ({@code {"userId":..., "reason":..., "requestId":..., "at":...}}):
 * the one place where the suppression schema's rules are enforced (docs/events.md, "Suppressions").
 * Flink-free; {@link #validate} never throws.
 *
 * <p>Rules: UTF-8 JSON object of at most 4 KiB; {@code userId} a required identifier; {@code reason} required,
 * 1-32 upper-case letters or underscores (case-insensitive on input); {@code requestId} an optional identifier;
 * {@code at} epoch milliseconds or ISO-8601, the record's own Kafka timestamp when absent, between 2000-01-01
 * and the wall clock plus the allowed skew; {@code campaignType} optional, a campaign type such as
 * {@code abandoned-cart} (1-32 of a-z 0-9 -), with reason {@code UNSUBSCRIBED} (that type only) or
 * {@code RESUBSCRIBED}. {@code RESUBSCRIBED} is not a suppression but the user's consent to e-mails again
 * (to that type, or to all without a type): a {@link ContactUpdate.Kind#RESUBSCRIBE}.
 *
 * <p>Precedence ({@link #rank}), when a user collects several suppressions: {@code ERASED} over
 * {@code COMPLAINED} over {@code BOUNCED} over any other reason over {@code UNSUBSCRIBED}. A stronger reason
 * replaces a weaker one whatever their order of arrival, and among equals the most recent wins; so a complaint
 * after an unsubscribe is kept (and a later opt-in, which lifts an unsubscribe, does not lift it).
 */
public final class SuppressionValidator implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int MAX_PAYLOAD_BYTES = 4 * 1024;
    private static final Pattern REASON = Pattern.compile("[A-Z_]{1,32}");
    /** A campaign type: the wire name of a trigger type, such as {@code abandoned-cart}. */
    static final Pattern CAMPAIGN_TYPE = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    /** Not a suppression: the user subscribed again (to all, or to one campaign type). */
    public static final String RESUBSCRIBED = "RESUBSCRIBED";
    /** Strongest first; reasons not listed rank between BOUNCED and UNSUBSCRIBED. */
    static final List<String> PRECEDENCE = List.of("ERASED", "COMPLAINED", "BOUNCED");

    private final long maxFutureSkewMs;

    public SuppressionValidator(Duration maxFutureSkew) {
        this.maxFutureSkewMs = maxFutureSkew.toMillis();
    }

    /** Exactly one of {@code update} and {@code error} is set. */
    public record Result(ContactUpdate update, String error) {}

    /**
     * @param recordTime the record's Kafka timestamp, used when it has no {@code at}
     * @param nowMillis the wall clock
     */
    public Result validate(byte[] payload, long recordTime, long nowMillis) {
        try {
            JsonNode n = InputRules.object(payload, MAX_PAYLOAD_BYTES, "suppression");
            String user = InputRules.requiredId(n, "userId", 128);
            String reason = InputRules.requiredText(n, "reason", 32).toUpperCase(java.util.Locale.ROOT);
            if (!REASON.matcher(reason).matches()) {
                throw new InputRules.Invalid("field 'reason' must be 1-32 letters or underscores");
            }
            InputRules.optionalId(n, "requestId", 128);
            String type = campaignType(n);
            Long at = InputRules.optionalTime(n, "at");
            long t = at != null ? at : recordTime > 0 ? recordTime : nowMillis;
            InputRules.checkTime("field 'at'", t, nowMillis, maxFutureSkewMs, Long.MIN_VALUE, maxFutureSkewMs);
            if (RESUBSCRIBED.equals(reason)) {
                return new Result(ContactUpdate.resubscribe(user, type, t), null);
            }
            if (type != null) {
                if (!"UNSUBSCRIBED".equals(reason)) {
                    throw new InputRules.Invalid("a 'campaignType' suppression must be UNSUBSCRIBED or RESUBSCRIBED");
                }
                return new Result(ContactUpdate.unsubscribeFrom(user, type, t), null);
            }
            return new Result(ContactUpdate.suppress(user, reason, t), null);
        } catch (InputRules.Invalid e) {
            return new Result(null, "invalid suppression event: " + e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            return new Result(null, "invalid suppression event (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The optional campaign type, lower-cased; null when absent. */
    private static String campaignType(JsonNode n) throws InputRules.Invalid {
        String type = InputRules.optionalId(n, "campaignType", 32);
        if (type == null) {
            return null;
        }
        String t = type.toLowerCase(java.util.Locale.ROOT);
        if (!CAMPAIGN_TYPE.matcher(t).matches()) {
            throw new InputRules.Invalid("field 'campaignType' must be a campaign type such as abandoned-cart");
        }
        return t;
    }

    /** Higher is stronger: ERASED 4, COMPLAINED 3, BOUNCED 2, others 1, UNSUBSCRIBED 0. */
    public static int rank(String reason) {
        if ("UNSUBSCRIBED".equals(reason)) {
            return 0;
        }
        int i = PRECEDENCE.indexOf(reason);
        return i < 0 ? 1 : PRECEDENCE.size() + 1 - i;
    }

    /** True when a suppression for {@code nextReason} at {@code nextAt} replaces one for {@code reason} at {@code at}. */
    public static boolean replaces(String nextReason, long nextAt, String reason, long at) {
        int r = Integer.compare(rank(nextReason), rank(reason));
        return r > 0 || (r == 0 && nextAt >= at);
    }
}
