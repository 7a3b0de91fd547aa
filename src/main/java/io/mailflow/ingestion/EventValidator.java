package io.mailflow.ingestion;

import static io.mailflow.io.FieldRules.optionalId;
import static io.mailflow.io.FieldRules.optionalInt;
import static io.mailflow.io.FieldRules.optionalNumber;
import static io.mailflow.io.FieldRules.optionalText;
import static io.mailflow.io.FieldRules.requiredId;
import static io.mailflow.io.FieldRules.requiredText;
import static io.mailflow.io.FieldRules.requiredTime;

import io.mailflow.io.FieldValue;
import io.mailflow.io.InputRules;
import io.mailflow.io.JsonFields;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses and validates one JSON event: the one place where the event schema's rules are enforced
 * (docs/events.md). Flink-free so that every rule is unit-tested directly.
 *
 * <p>The rules: the payload is UTF-8 JSON of at most 64 KiB; {@code eventId}, {@code userId},
 * {@code type} and {@code timestamp} are required; identifiers use the safe alphabet of
 * {@link InputRules#ID}; {@code itemId} is required for cart, favourite and purchase events and
 * {@code query} for searches; {@code price} is a finite number in [0, {@value #MAX_PRICE}],
 * {@code quantity} an integer in [1, {@value #MAX_QUANTITY}] (so an amount is always finite), {@code currency}
 * a three-letter code; the timestamp lies in the window of {@link InputRules#checkTime}; text fields have
 * bounded length and no control, bidirectional or invisible characters.
 *
 * <p>{@link #validate} never throws: whatever the payload, the result is an event or a reason.
 *
 * <p>The payload is read in one pass of Jackson's streaming parser ({@link JsonFields}), keeping only the fields
 * below; the rules then run in the order the tree-based reading ran them (issue 18), so the first broken rule, and
 * with it the reason, is the same.
 */
public final class EventValidator implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Earliest accepted event time: anything before is a broken clock or a unit mistake. */
    public static final long MIN_TIMESTAMP = InputRules.MIN_TIMESTAMP;
    /** Highest unit price accepted; a bigger one is a unit mistake or an attack on the models. */
    public static final double MAX_PRICE = 10_000_000;
    /** Highest quantity of one line accepted. */
    public static final int MAX_QUANTITY = 10_000;
    /** Default of how far one event may run ahead of the stream's own event time (see {@link InputRules#checkTime}). */
    public static final Duration DEFAULT_MAX_AHEAD = Duration.ofMinutes(5);

    static final int MAX_ID_LENGTH = 128;
    static final int MAX_TEXT_LENGTH = 512;
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;
    private static final Set<EventType> NEEDS_ITEM =
            Set.of(EventType.ADD_TO_CART, EventType.REMOVE_FROM_CART, EventType.FAVORITE, EventType.PURCHASE);
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    // the fields read from the payload, by their index in what JsonFields returns
    private static final int EVENT_ID = 0;
    private static final int USER_ID = 1;
    private static final int SESSION_ID = 2;
    private static final int TYPE = 3;
    private static final int ITEM_ID = 4;
    private static final int CATEGORY_ID = 5;
    private static final int PRICE = 6;
    private static final int QUANTITY = 7;
    private static final int CURRENCY_CODE = 8;
    private static final int QUERY = 9;
    private static final int TIMESTAMP = 10;
    private static final int FIELDS = 11;

    private final long maxFutureSkewMs;
    private final long maxAheadMs;

    /** With the default bound on running ahead of the stream ({@link #DEFAULT_MAX_AHEAD}, at most the skew). */
    public EventValidator(Duration maxFutureSkew) {
        this(maxFutureSkew, DEFAULT_MAX_AHEAD.compareTo(maxFutureSkew) < 0 ? DEFAULT_MAX_AHEAD : maxFutureSkew);
    }

    /**
     * @param maxFutureSkew how far ahead of the wall clock an event may be
     * @param maxAhead how far ahead of the later of the wall clock and the stream's newest event an event may be
     */
    public EventValidator(Duration maxFutureSkew, Duration maxAhead) {
        this.maxFutureSkewMs = maxFutureSkew.toMillis();
        this.maxAheadMs = maxAhead.toMillis();
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

    /** As {@link #validate(byte[], long, long)} for a stream that has not run ahead of the wall clock. */
    public Result validate(byte[] payload, long nowMillis) {
        return validate(payload, nowMillis, Long.MIN_VALUE);
    }

    /**
     * @param nowMillis the wall clock
     * @param streamTime the newest event time accepted so far on this stream, {@link Long#MIN_VALUE} for none
     */
    public Result validate(byte[] payload, long nowMillis, long streamTime) {
        try {
            FieldValue[] fields = JsonFields.read(payload, MAX_PAYLOAD_BYTES, "payload", EventValidator::slot, FIELDS);
            return Result.ok(toEvent(fields, nowMillis, streamTime));
        } catch (InputRules.Invalid e) {
            return Result.fail(e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            // A rule this class forgot must still end in a reason, never in a failed task.
            return Result.fail("invalid event (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static int slot(String field) {
        switch (field) {
            case "eventId":
                return EVENT_ID;
            case "userId":
                return USER_ID;
            case "sessionId":
                return SESSION_ID;
            case "type":
                return TYPE;
            case "itemId":
                return ITEM_ID;
            case "categoryId":
                return CATEGORY_ID;
            case "price":
                return PRICE;
            case "quantity":
                return QUANTITY;
            case "currency":
                return CURRENCY_CODE;
            case "query":
                return QUERY;
            case "timestamp":
                return TIMESTAMP;
            default:
                return -1; // unknown fields are allowed (a newer producer's), and skipped
        }
    }

    private Event toEvent(FieldValue[] f, long now, long streamTime) {
        String eventId = requiredId(f[EVENT_ID], "eventId", MAX_ID_LENGTH);
        String userId = requiredId(f[USER_ID], "userId", MAX_ID_LENGTH);
        EventType type = type(f[TYPE]);
        long ts = requiredTime(f[TIMESTAMP], "timestamp");
        InputRules.checkTime("timestamp", ts, now, maxFutureSkewMs, streamTime, maxAheadMs);
        String itemId = optionalId(f[ITEM_ID], "itemId", MAX_ID_LENGTH);
        if (itemId == null && NEEDS_ITEM.contains(type)) {
            throw new InputRules.Invalid("missing field 'itemId' (required for " + type + ")");
        }
        String query = optionalText(f[QUERY], "query", MAX_TEXT_LENGTH);
        if (query == null && type == EventType.SEARCH) {
            throw new InputRules.Invalid("missing field 'query' (required for SEARCH)");
        }
        Double price = optionalNumber(f[PRICE], "price", 0, MAX_PRICE);
        Integer quantity = optionalInt(f[QUANTITY], "quantity", 1, MAX_QUANTITY);
        String currency = optionalText(f[CURRENCY_CODE], "currency", 3);
        if (currency != null && !CURRENCY.matcher(currency).matches()) {
            throw new InputRules.Invalid("field 'currency' must be a three-letter ISO 4217 code, got '"
                    + InputRules.abbreviate(currency) + "'");
        }
        return new Event(
                eventId,
                userId,
                optionalId(f[SESSION_ID], "sessionId", MAX_ID_LENGTH),
                type,
                itemId,
                optionalId(f[CATEGORY_ID], "categoryId", MAX_ID_LENGTH),
                price,
                quantity,
                currency,
                query,
                ts);
    }

    private static EventType type(FieldValue v) {
        String raw = requiredText(v, "type", 32);
        try {
            return EventType.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InputRules.Invalid("unknown event type '" + InputRules.abbreviate(raw) + "'");
        }
    }
}
