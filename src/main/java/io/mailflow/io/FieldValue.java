package io.mailflow.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigInteger;

/**
 * One top-level field of a JSON object as {@link JsonFields} read it with the streaming parser: what the tree
 * model's node would have held (its type, its text, its number), without the tree; {@link FieldRules} applies the
 * field rules to it. {@code null} stands for an absent field. Flink-free.
 */
public final class FieldValue {
    private static final BigInteger MIN_LONG = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX_LONG = BigInteger.valueOf(Long.MAX_VALUE);

    /** The JSON types, named as the tree model's node types are, since reasons name them. */
    enum Kind {
        STRING,
        INTEGER,
        FLOAT,
        BOOLEAN,
        NULL,
        OBJECT,
        ARRAY;

        String nodeType() {
            return this == INTEGER || this == FLOAT ? "NUMBER" : name();
        }
    }

    final Kind kind;
    final String text; // a string's value, or a boolean's
    final long longValue; // an integer within long range
    final BigInteger bigValue; // an integer beyond it
    final double doubleValue; // a float

    private FieldValue(Kind kind, String text, long longValue, BigInteger bigValue, double doubleValue) {
        this.kind = kind;
        this.text = text;
        this.longValue = longValue;
        this.bigValue = bigValue;
        this.doubleValue = doubleValue;
    }

    /**
     * The value at the parser's current token {@code t}, read as the tree model reads it (each number by the type
     * the parser gives it); a container is consumed to its end.
     */
    static FieldValue read(JsonParser p, JsonToken t, boolean finishAll) throws IOException {
        switch (t) {
            case VALUE_STRING:
                return new FieldValue(Kind.STRING, p.getText(), 0, null, 0);
            case VALUE_NUMBER_INT:
                JsonParser.NumberType nt = p.getNumberType();
                if (nt == JsonParser.NumberType.INT) {
                    return new FieldValue(Kind.INTEGER, null, p.getIntValue(), null, 0);
                }
                if (nt == JsonParser.NumberType.LONG) {
                    return new FieldValue(Kind.INTEGER, null, p.getLongValue(), null, 0);
                }
                BigInteger big = p.getBigIntegerValue();
                return inLongRange(big)
                        ? new FieldValue(Kind.INTEGER, null, big.longValue(), null, 0)
                        : new FieldValue(Kind.INTEGER, null, 0, big, 0);
            case VALUE_NUMBER_FLOAT:
                return new FieldValue(Kind.FLOAT, null, 0, null, p.getDoubleValue());
            case VALUE_TRUE:
                return new FieldValue(Kind.BOOLEAN, "true", 0, null, 0);
            case VALUE_FALSE:
                return new FieldValue(Kind.BOOLEAN, "false", 0, null, 0);
            case VALUE_NULL:
                return new FieldValue(Kind.NULL, null, 0, null, 0);
            case START_OBJECT:
                JsonFields.consume(p, t, finishAll);
                return new FieldValue(Kind.OBJECT, null, 0, null, 0);
            case START_ARRAY:
                JsonFields.consume(p, t, finishAll);
                return new FieldValue(Kind.ARRAY, null, 0, null, 0);
            default:
                throw new IllegalStateException("unexpected token " + t);
        }
    }

    private static boolean inLongRange(BigInteger b) {
        return b.compareTo(MIN_LONG) >= 0 && b.compareTo(MAX_LONG) <= 0;
    }

    static boolean absent(FieldValue v) {
        return v == null || v.kind == Kind.NULL;
    }

    boolean fitsInt() {
        return bigValue == null && longValue >= Integer.MIN_VALUE && longValue <= Integer.MAX_VALUE;
    }

    /** The value as the tree model's {@code asText()} writes it (used in reasons and for numbers taken as text). */
    String asText() {
        switch (kind) {
            case STRING:
            case BOOLEAN:
                return text;
            case INTEGER:
                return bigValue != null ? bigValue.toString() : Long.toString(longValue);
            case FLOAT:
                return Double.toString(doubleValue);
            case NULL:
                return "null";
            default:
                return ""; // containers have no text
        }
    }

    double asDouble() {
        if (kind == Kind.FLOAT) {
            return doubleValue;
        }
        return bigValue != null ? bigValue.doubleValue() : (double) longValue;
    }
}
