package io.mailflow.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Reads one top-level time field of a JSON payload without building the document, for the sources' per-partition
 * watermarks (see {@link PartitionWatermarks}). It reads the field exactly as {@link InputRules#optionalTime} does
 * (epoch milliseconds or an ISO-8601 instant), with the same parser limits, so that for every record the
 * validator accepts, the peeked time is the record's time. Anything it cannot read, it reports as
 * {@link #NONE} and never throws: such a record becomes a dead letter in the validator and does not move event time.
 * Flink-free.
 */
public final class TimestampPeek {
    /** No readable time: the payload is not an object within the limits, or the field is absent or malformed. */
    public static final long NONE = Long.MIN_VALUE;

    private TimestampPeek() {}

    /**
     * @param payload the raw record value
     * @param field a top-level field name
     * @param maxBytes the validator's payload limit: larger payloads are dead letters, so they have no time here
     */
    public static long peek(byte[] payload, String field, int maxBytes) {
        if (payload == null || payload.length == 0 || payload.length > maxBytes) {
            return NONE;
        }
        try (JsonParser p = InputRules.STRICT_FACTORY.createParser(payload)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return NONE;
            }
            long found = NONE;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equals(name)) {
                    found = value(p, v, field);
                    if (found == NONE) {
                        return NONE;
                    }
                } else {
                    p.skipChildren();
                }
            }
            // read to the end, as the validator does: a duplicate field or broken JSON later on is a dead letter
            return t == JsonToken.END_OBJECT && p.nextToken() == null ? found : NONE;
        } catch (Exception | StackOverflowError e) {
            return NONE;
        }
    }

    private static long value(JsonParser p, JsonToken v, String field) throws java.io.IOException {
        if (v == JsonToken.VALUE_NUMBER_INT) {
            return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? NONE : p.getLongValue();
        }
        if (v == JsonToken.VALUE_STRING) {
            try {
                return InputRules.instantMillis(field, p.getText());
            } catch (InputRules.Invalid e) {
                return NONE;
            }
        }
        return NONE;
    }
}
