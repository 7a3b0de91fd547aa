package io.mailflow.io;

import static io.mailflow.io.FieldValue.absent;

import io.mailflow.io.FieldValue.Kind;

/**
 * The field rules of {@link InputRules} over {@link FieldValue}s, for inputs read in one pass of the streaming
 * parser ({@link JsonFields}): each method reads a field exactly as the tree method of {@link InputRules} with the
 * same name does, to the letter of every reason. The event path uses them because a tree per record cost about 5 %
 * of the job's CPU (docs/benchmarks.md, issue 18); {@code EventValidatorEquivalenceTest} holds them to the tree
 * methods. A {@code null} value is an absent field. Flink-free.
 */
public final class FieldRules {
    private FieldRules() {}

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
