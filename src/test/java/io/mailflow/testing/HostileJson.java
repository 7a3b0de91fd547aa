package io.mailflow.testing;

import io.mailflow.io.InputRules;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators of JSON objects over a schema's field names: each field absent, or given a value of any
 * JSON type, valid-looking or hostile (extreme numbers, impossible instants, unicode tricks, control
 * characters, nesting), plus the odd unknown field. Also the checks every accepted value must pass.
 */
public final class HostileJson {
    private HostileJson() {}

    /** Objects whose keys are drawn from {@code fields}, as JSON text. */
    public static Arbitrary<String> objects(List<String> fields, Map<String, Arbitrary<String>> typical) {
        List<Arbitrary<String>> entries = fields.stream()
                .map(f -> Arbitraries.oneOf(typical.getOrDefault(f, value()), value())
                        .map(v -> "\"" + f + "\":" + v)
                        .injectNull(0.2))
                .toList();
        return Combinators.combine(entries)
                .as(list -> list.stream().filter(e -> e != null).collect(Collectors.joining(",", "{", "}")));
    }

    /** Any JSON value, biased towards trouble. */
    public static Arbitrary<String> value() {
        return Arbitraries.lazyOf(
                HostileJson::string,
                () -> Arbitraries.longs().map(Object::toString),
                () -> Arbitraries.integers().between(-3, 20_000).map(Object::toString),
                () -> Arbitraries.doubles().map(HostileJson::number),
                () -> Arbitraries.of(
                        "1e308",
                        "-1e308",
                        "1e400",
                        "-0",
                        "0",
                        "4.9e-324",
                        "99999999999999999999999999",
                        "9223372036854775807",
                        "-9223372036854775808",
                        "true",
                        "false",
                        "null",
                        "[]",
                        "{}",
                        "\"NaN\"",
                        "\"Infinity\"",
                        "\"-0\"",
                        "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]"),
                HostileJson::instant,
                () -> Arbitraries.longs()
                        .between(InputRules.MIN_TIMESTAMP - 1000, InputRules.MAX_TIMESTAMP + 1000)
                        .map(Object::toString),
                () -> Arbitraries.lazy(HostileJson::value)
                        .list()
                        .ofMaxSize(3)
                        .map(l -> String.join(",", l))
                        .map(s -> "[" + s + "]"));
    }

    /** ISO-8601 instants, including years no epoch millisecond can hold. */
    public static Arbitrary<String> instant() {
        return Combinators.combine(
                        Arbitraries.of("", "+", "-"),
                        Arbitraries.oneOf(
                                Arbitraries.integers().between(1999, 2300),
                                Arbitraries.integers().between(0, 999_999_999)),
                        Arbitraries.integers().between(0, 13),
                        Arbitraries.integers().between(0, 32))
                .as((sign, year, month, day) -> "\"%s%04d-%02d-%02dT12:00:00Z\"".formatted(sign, year, month, day));
    }

    /** Strings of any code points, including controls, bidi overrides, zero-width and surrogates, as JSON text. */
    public static Arbitrary<String> string() {
        Arbitrary<String> tricky = Arbitraries.strings()
                .withCharRange('\u0000', '\u00ff')
                .withChars(
                        '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069',
                        '\u200B', '\u200D', '\uFEFF', '\u0456', '\u0430', '\u2028', '\uD800', '\uDC00', '@', ',', '<',
                        '>')
                .ofMaxLength(40);
        Arbitrary<String> long_ = Arbitraries.strings().alpha().ofMinLength(100).ofMaxLength(3000);
        Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(30);
        return Arbitraries.oneOf(
                        tricky,
                        long_,
                        any,
                        Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12))
                .map(HostileJson::quote);
    }

    public static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) || c == '\u2028') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private static String number(double d) {
        return Double.isFinite(d) ? Double.toString(d) : "0";
    }

    /** True when {@code s} is null or at most {@code max} characters of clean text. */
    public static boolean clean(String s, int max) {
        return s == null || (s.length() <= max && !s.isEmpty() && InputRules.uncleanCharacter(s) == null);
    }

    /** True when {@code s} is null or an identifier of the safe alphabet, at most {@code max} characters. */
    public static boolean id(String s, int max) {
        return s == null || (s.length() <= max && InputRules.ID.matcher(s).matches());
    }
}
