package io.mailflow.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigInteger;

/**
 * One top-level field of a JSON object as {@link JsonFields} read it with the streaming parser: what the tree
 * model's node would have held, without the tree. The static rules read a field exactly as the tree methods of
 * {@link InputRules} with the same names do, to the letter of every reason; the event path uses them because a
 * tree per record cost about 5 % of the job's CPU (docs/benchmarks.md, issue 18). {@code null} stands for an
 * absent field. Flink-free.
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

    private final Kind kind;
    private final String text; // a string's value, or a boolean's
    private final long longValue; // an integer within long range
    private final BigInteger bigValue; // an integer beyond it
    private final double doubleValue; // a float

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

    private static boolean absent(FieldValue v) {
        return v == null || v.kind == Kind.NULL;
    }

    private boolean fitsInt() {
        return bigValue == null && longValue >= Integer.MIN_VALUE && longValue <= Integer.MAX_VALUE;
    }

    /** The value as the tree model's {@code asText()} writes it (used in reasons and for numbers taken as text). */
    private String asText() {
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

    private double asDouble() {
        if (kind == Kind.FLOAT) {
            return doubleValue;
        }
        return bigValue != null ? bigValue.doubleValue() : (double) longValue;
    }

    /** As {@link InputRules#optionalId}. */
    public static String optionalId(FieldValue v, String field, int max) {
        String s = optionalText(v, field, max);
        if (s != null && !isId(s)) {
            throw new InputRules.Invalid("field '" + field + "' must use only letters, digits and . _ : @ # / + = ~ -");
        }
        return s;
    }

    public static String requiredId(FieldValue v, String field, int max) {
        return required(field, optionalId(v, field, max));
    }

    /** {@link InputRules#ID} without the regular expression (non-empty, every character from the alphabet). */
    static boolean isId(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == ':'
                    || c == '@'
                    || c == '#'
                    || c == '/'
                    || c == '+'
                    || c == '='
                    || c == '~'
                    || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** As {@link InputRules#optionalText}: clean text, or null when absent, null or blank; integers taken as text. */
    public static String optionalText(FieldValue v, String field, int max) {
        if (absent(v)) {
            return null;
        }
        if (v.kind != Kind.STRING && v.kind != Kind.INTEGER) {
            throw new InputRules.Invalid("field '" + field + "' must be a string, got " + v.kind.nodeType());
        }
        String s = v.asText();
        if (s.isBlank()) {
            return null;
        }
        if (s.length() > max) {
            throw new InputRules.Invalid("field '" + field + "' is " + s.length() + " characters long, limit " + max);
        }
        String bad = InputRules.uncleanCharacter(s);
        if (bad != null) {
            throw new InputRules.Invalid("field '" + field + "' contains " + bad);
        }
        return s;
    }

    public static String requiredText(FieldValue v, String field, int max) {
        return required(field, optionalText(v, field, max));
    }

    /** As {@link InputRules#optionalNumber}. */
    public static Double optionalNumber(FieldValue v, String field, double min, double max) {
        if (absent(v)) {
            return null;
        }
        if (v.kind != Kind.INTEGER && v.kind != Kind.FLOAT) {
            throw new InputRules.Invalid("field '" + field + "' must be a number, got " + v.kind.nodeType());
        }
        double d = v.asDouble();
        if (d < min) {
            throw new InputRules.Invalid("field '" + field + "' must be a finite number >= " + plain(min) + ", got "
                    + InputRules.abbreviate(v.asText()));
        }
        if (!(d <= max)) {
            throw new InputRules.Invalid("field '" + field + "' must be a finite number <= " + plain(max) + ", got "
                    + InputRules.abbreviate(v.asText()));
        }
        return d == 0.0 ? 0.0 : d; // -0 becomes 0
    }

    /** As {@link InputRules#optionalInt}. */
    public static Integer optionalInt(FieldValue v, String field, int min, int max) {
        if (absent(v)) {
            return null;
        }
        if (v.kind != Kind.INTEGER || !v.fitsInt()) {
            throw new InputRules.Invalid("field '" + field + "' must be an integer, got " + v.kind.nodeType() + " "
                    + InputRules.abbreviate(v.asText()));
        }
        int i = (int) v.longValue;
        if (i < min) {
            throw new InputRules.Invalid("field '" + field + "' must be >= " + min + ", got " + i);
        }
        if (i > max) {
            throw new InputRules.Invalid("field '" + field + "' must be <= " + max + ", got " + i);
        }
        return i;
    }

    /** As {@link InputRules#optionalTime}: epoch milliseconds or an ISO-8601 instant, or null when absent. */
    public static Long optionalTime(FieldValue v, String field) {
        if (absent(v)) {
            return null;
        }
        if (v.kind == Kind.INTEGER) {
            if (v.bigValue != null) {
                throw new InputRules.Invalid("field '" + field + "' is out of range");
            }
            return v.longValue;
        }
        if (v.kind == Kind.STRING) {
            return InputRules.instantMillis(field, v.text);
        }
        throw new InputRules.Invalid(
                "field '" + field + "' must be epoch milliseconds or an ISO-8601 string, got " + v.kind.nodeType());
    }

    public static long requiredTime(FieldValue v, String field) {
        return required(field, optionalTime(v, field));
    }

    private static <T> T required(String field, T value) {
        if (value == null) {
            throw new InputRules.Invalid("missing field '" + field + "'");
        }
        return value;
    }

    private static String plain(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
