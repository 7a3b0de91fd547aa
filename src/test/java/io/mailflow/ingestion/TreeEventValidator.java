package io.mailflow.ingestion;

import static io.mailflow.ingestion.EventValidator.MAX_ID_LENGTH;
import static io.mailflow.ingestion.EventValidator.MAX_PAYLOAD_BYTES;
import static io.mailflow.ingestion.EventValidator.MAX_PRICE;
import static io.mailflow.ingestion.EventValidator.MAX_QUANTITY;
import static io.mailflow.ingestion.EventValidator.MAX_TEXT_LENGTH;
import static io.mailflow.io.InputRules.optionalId;
import static io.mailflow.io.InputRules.optionalInt;
import static io.mailflow.io.InputRules.optionalNumber;
import static io.mailflow.io.InputRules.optionalText;
import static io.mailflow.io.InputRules.requiredId;
import static io.mailflow.io.InputRules.requiredText;
import static io.mailflow.io.InputRules.requiredTime;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.ingestion.EventValidator.Result;
import io.mailflow.io.InputRules;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * The event validator as it was before issue 18, on Jackson's tree model ({@link InputRules#object} and the tree
 * rules of {@link InputRules}), kept unchanged as the reference that {@link EventValidator}'s one-pass streaming
 * reading must agree with on every payload ({@code EventValidatorEquivalenceTest}), and as the "before" of the
 * parsing benchmark ({@code HotPathBenchmarks}). Test code only.
 */
public final class TreeEventValidator {
    private static final Set<EventType> NEEDS_ITEM =
            Set.of(EventType.ADD_TO_CART, EventType.REMOVE_FROM_CART, EventType.FAVORITE, EventType.PURCHASE);

    private final long maxFutureSkewMs;
    private final long maxAheadMs;

    /** With the default bound on running ahead of the stream ({@link EventValidator#DEFAULT_MAX_AHEAD}, at most the skew). */
    public TreeEventValidator(Duration maxFutureSkew) {
        this(
                maxFutureSkew,
                EventValidator.DEFAULT_MAX_AHEAD.compareTo(maxFutureSkew) < 0
                        ? EventValidator.DEFAULT_MAX_AHEAD
                        : maxFutureSkew);
    }

    /**
     * @param maxFutureSkew how far ahead of the wall clock an event may be
     * @param maxAhead how far ahead of the later of the wall clock and the stream's newest event an event may be
     */
    public TreeEventValidator(Duration maxFutureSkew, Duration maxAhead) {
        this.maxFutureSkewMs = maxFutureSkew.toMillis();
        this.maxAheadMs = maxAhead.toMillis();
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
            JsonNode node = InputRules.object(payload, MAX_PAYLOAD_BYTES, "payload");
            return new Result(toEvent(node, nowMillis, streamTime), null);
        } catch (InputRules.Invalid e) {
            return new Result(null, e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            // A rule this class forgot must still end in a reason, never in a failed task.
            return new Result(null, "invalid event (" + e.getClass().getSimpleName() + ")");
        }
    }

    private Event toEvent(JsonNode n, long now, long streamTime) {
        String eventId = requiredId(n, "eventId", MAX_ID_LENGTH);
        String userId = requiredId(n, "userId", MAX_ID_LENGTH);
        EventType type = type(n);
        long ts = requiredTime(n, "timestamp");
        InputRules.checkTime("timestamp", ts, now, maxFutureSkewMs, streamTime, maxAheadMs);
        String itemId = optionalId(n, "itemId", MAX_ID_LENGTH);
        if (itemId == null && NEEDS_ITEM.contains(type)) {
            throw new InputRules.Invalid("missing field 'itemId' (required for " + type + ")");
        }
        String query = optionalText(n, "query", MAX_TEXT_LENGTH);
        if (query == null && type == EventType.SEARCH) {
            throw new InputRules.Invalid("missing field 'query' (required for SEARCH)");
        }
        Double price = optionalNumber(n, "price", 0, MAX_PRICE);
        Integer quantity = optionalInt(n, "quantity", 1, MAX_QUANTITY);
        String currency = optionalText(n, "currency", 3);
        if (currency != null && !currency.matches("[A-Z]{3}")) {
            throw new InputRules.Invalid("field 'currency' must be a three-letter ISO 4217 code, got '"
                    + InputRules.abbreviate(currency) + "'");
        }
        return new Event(
                eventId,
                userId,
                optionalId(n, "sessionId", MAX_ID_LENGTH),
                type,
                itemId,
                optionalId(n, "categoryId", MAX_ID_LENGTH),
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
            throw new InputRules.Invalid("unknown event type '" + InputRules.abbreviate(raw) + "'");
        }
    }
}
