package io.mailflow.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.EventType;
import io.mailflow.testing.HostileJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The streaming {@link EventValidator} (issue 18) against the tree-based one it replaced ({@link
 * TreeEventValidator}, kept unchanged as the reference): for every payload, the same event with the same field
 * values, or the same reason. Payloads are valid events in any field order, layout and escaping; near-valid events
 * (every field given a wrong type, a length over its limit, null, a duplicate key, nesting, extreme numbers and
 * non-numeric literals, unicode and escapes, removed; the document truncated, followed by garbage, prefixed with a
 * byte-order mark or zero bytes, with single bytes changed); objects of hostile values; random bytes. Tricky cases
 * found on the way are pinned in {@link EventValidatorEquivalenceExamplesTest}.
 */
class EventValidatorEquivalenceTest {
    static final long NOW = Instant.parse("2026-11-01T12:00:00Z").toEpochMilli();
    private static final Duration SKEW = Duration.ofHours(1);
    private static final String ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:@#/+=~-";
    private static final List<String> KNOWN = List.of(
            "eventId",
            "userId",
            "sessionId",
            "type",
            "itemId",
            "categoryId",
            "price",
            "quantity",
            "currency",
            "query",
            "timestamp");

    private final EventValidator streaming = new EventValidator(SKEW);
    private final TreeEventValidator reference = new TreeEventValidator(SKEW);

    /** One member of an object, name and value as JSON text (so that a name can be escaped too). */
    record Member(String name, String value) {
        static Member of(String field, String value) {
            return new Member("\"" + field + "\"", value);
        }
    }

    private EventValidator.Result assertSame(byte[] payload, long streamTime) {
        EventValidator.Result expected = reference.validate(payload, NOW, streamTime);
        EventValidator.Result actual = streaming.validate(payload, NOW, streamTime);
        assertThat(actual).as(printable(payload)).isEqualTo(expected);
        Statistics.label("outcome").collect(outcome(expected));
        return expected;
    }

    static String outcome(EventValidator.Result r) {
        if (r.valid()) {
            return "accepted";
        }
        String e = r.error();
        return e.startsWith("field '") || e.startsWith("missing field") || e.startsWith("unknown")
                ? "field rule"
                : e.startsWith("timestamp")
                        ? "time window"
                        : e.startsWith("payload of") ? "over the size limit" : e.replaceAll("[:'(].*", "");
    }

    @Property(tries = 2000)
    void validEventsAreAcceptedAlikeWithTheSameValues(
            @ForAll("validEvents") List<Member> event,
            @ForAll("separators") String ws,
            @ForAll("streamTimes") long streamTime) {
        EventValidator.Result r = assertSame(utf8(render(event, ws)), streamTime);
        assertThat(r.valid()).as(r.error()).isTrue(); // the generator makes valid events
    }

    @Property(tries = 6000)
    void nearValidEventsGetTheSameEventOrTheSameReason(
            @ForAll("nearValidEvents") byte[] payload, @ForAll("streamTimes") long streamTime) {
        assertSame(payload, streamTime);
        Statistics.label("outcome").coverage(c -> {
            c.check("accepted").percentage(p -> p > 3);
            c.check("field rule").percentage(p -> p > 20);
            c.check("malformed JSON").percentage(p -> p > 10);
            c.check("payload is not valid UTF-8").percentage(p -> p > 1);
        });
    }

    @Property(tries = 2000)
    void objectsOfHostileValuesGetTheSameResult(@ForAll("hostileObjects") String json) {
        assertSame(utf8(json), Long.MIN_VALUE);
    }

    @Property(tries = 2000)
    void randomBytesGetTheSameReason(@ForAll("randomPayloads") byte[] payload) {
        assertSame(payload, Long.MIN_VALUE);
    }

    @Provide
    Arbitrary<Long> streamTimes() {
        return Arbitraries.of(Long.MIN_VALUE, NOW - 86_400_000L, NOW, NOW + 1_800_000L);
    }

    @Provide
    Arbitrary<String> separators() {
        return Arbitraries.of("", " ", "\n", " \t\r\n ");
    }

    // ---- valid events

    @Provide
    Arbitrary<List<Member>> validEvents() {
        return Arbitraries.of(EventType.class).flatMap(type -> {
            boolean needsItem = type == EventType.ADD_TO_CART
                    || type == EventType.REMOVE_FROM_CART
                    || type == EventType.FAVORITE
                    || type == EventType.PURCHASE;
            List<Arbitrary<Member>> members = List.of(
                    idValue().map(v -> Member.of("eventId", v)),
                    idValue().map(v -> Member.of("userId", v)),
                    typeName(type).map(v -> Member.of("type", v)),
                    time().map(v -> Member.of("timestamp", v)),
                    idValue().map(v -> Member.of("itemId", v)).injectNull(needsItem ? 0 : 0.5),
                    cleanText().map(v -> Member.of("query", v)).injectNull(type == EventType.SEARCH ? 0 : 0.7),
                    idValue().map(v -> Member.of("sessionId", v)).injectNull(0.4),
                    idValue().map(v -> Member.of("categoryId", v)).injectNull(0.4),
                    price().map(v -> Member.of("price", v)).injectNull(0.4),
                    Arbitraries.integers()
                            .between(1, EventValidator.MAX_QUANTITY)
                            .map(q -> Member.of("quantity", q.toString()))
                            .injectNull(0.4),
                    Arbitraries.strings()
                            .withCharRange('A', 'Z')
                            .ofLength(3)
                            .map(c -> Member.of("currency", "\"" + c + "\""))
                            .injectNull(0.5),
                    unknownMember("extra", "eventid", "x-y").injectNull(0.6),
                    unknownMember("EventId", "é", "timestamp2").injectNull(0.8));
            return Combinators.combine(members)
                    .as(l -> l.stream().filter(Objects::nonNull).toList())
                    .flatMap(Arbitraries::shuffle);
        });
    }

    /** An identifier as a JSON string, some characters escaped, or as a JSON integer (numbers are taken as text). */
    private static Arbitrary<String> idValue() {
        Arbitrary<String> ids = Arbitraries.strings()
                .withChars(ID_CHARS.toCharArray())
                .ofMinLength(1)
                .ofMaxLength(EventValidator.MAX_ID_LENGTH);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(
                        8, Combinators.combine(ids, Arbitraries.longs()).as(EventValidatorEquivalenceTest::string)),
                net.jqwik.api.Tuple.of(
                        1, Arbitraries.longs().between(0, Long.MAX_VALUE).map(Object::toString)));
    }

    private static Arbitrary<String> typeName(EventType type) {
        return Arbitraries.longs().map(mask -> {
            StringBuilder b = new StringBuilder();
            String name = type.name();
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                b.append((mask >>> (i % 64) & 1) == 1 ? Character.toLowerCase(c) : c);
            }
            return string(b.toString(), mask >>> 7 & mask);
        });
    }

    private static Arbitrary<String> time() {
        Arbitrary<Long> millis = Arbitraries.longs().between(NOW - 365L * 86_400_000L, NOW + 240_000L);
        return Arbitraries.oneOf(millis.map(Object::toString), millis.map(t -> "\"" + Instant.ofEpochMilli(t) + "\""));
    }

    private static Arbitrary<String> price() {
        return Arbitraries.oneOf(
                Arbitraries.doubles().between(0, EventValidator.MAX_PRICE).map(d -> Double.toString(d)),
                Arbitraries.bigDecimals()
                        .between(java.math.BigDecimal.ZERO, java.math.BigDecimal.valueOf(EventValidator.MAX_PRICE))
                        .ofScale(2)
                        .map(java.math.BigDecimal::toPlainString),
                Arbitraries.integers()
                        .between(0, (int) EventValidator.MAX_PRICE)
                        .map(Object::toString),
                Arbitraries.of("-0", "-0.0", "0e5", "1E3", "1e-3", "10000000", "10000000.0", "1.0E7"));
    }

    /** Clean text of 1 to 512 characters, non-ASCII letters and symbols included, some escaped. */
    private static Arbitrary<String> cleanText() {
        Arbitrary<String> text = Arbitraries.strings()
                .withCharRange('a', 'z')
                .withChars(' ', '"', '\\', '/', '<', '>', '&', '\'', 'é', 'ß', 'Ж', '中', '文', '€')
                .ofMinLength(1)
                .ofMaxLength(EventValidator.MAX_TEXT_LENGTH - 2); // room for the emoji
        Arbitrary<String> withEmoji = text.map(s -> s + "\uD83D\uDE00"); // a surrogate pair, written raw in UTF-8
        return Combinators.combine(Arbitraries.oneOf(text, withEmoji).filter(s -> !s.isBlank()), Arbitraries.longs())
                .as(EventValidatorEquivalenceTest::string)
                .filter(s -> s.length() > 0);
    }

    /** A member the schema does not know, with a well-formed value: allowed and skipped. */
    private static Arbitrary<Member> unknownMember(String... names) {
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.of(
                        "1",
                        "-1.5e3",
                        "true",
                        "false",
                        "null",
                        "[]",
                        "{}",
                        "[1,\"a\",{\"b\":[null]}]",
                        "{\"timestamp\":1,\"eventId\":{\"x\":[]}}",
                        "99999999999999999999999999",
                        "1e400"),
                Combinators.combine(Arbitraries.strings().ofMaxLength(20), Arbitraries.longs())
                        .as(EventValidatorEquivalenceTest::string));
        return Combinators.combine(Arbitraries.of(names), values).as(Member::of);
    }

    // ---- near-valid events

    @Provide
    Arbitrary<byte[]> nearValidEvents() {
        return Combinators.combine(
                        validEvents(),
                        memberMutation().list().ofMinSize(1).ofMaxSize(3),
                        separators(),
                        textMutation(),
                        byteMutation())
                .as((event, mutations, ws, text, bytes) -> {
                    List<Member> m = new ArrayList<>(event);
                    for (UnaryOperator<List<Member>> f : mutations) {
                        m = f.apply(m);
                    }
                    return bytes.apply(utf8(text.apply(render(m, ws))));
                });
    }

    private static Arbitrary<UnaryOperator<List<Member>>> memberMutation() {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, 1000);
        Arbitrary<String> known = Arbitraries.of(KNOWN);
        return Arbitraries.oneOf(
                // a field's value replaced by one of the wrong type, too long, extreme, null, nested...
                Combinators.combine(known, badValue()).as((f, v) -> l -> put(l, Member.of(f, v))),
                // removed
                known.map(f -> l -> remove(l, f)),
                // named twice, with the same or another value, maybe escaped
                Combinators.combine(at, at, badValue().injectNull(0.5), Arbitraries.of(false, true))
                        .as((i, j, v, escape) -> l -> duplicate(l, i, j, v, escape)),
                // one more field, unknown, hostile
                Combinators.combine(at, Arbitraries.strings().ofMaxLength(8), badValue())
                        .as((i, name, v) -> l -> insert(l, i, new Member(HostileJson.quote(name), v))),
                // a known name escaped: the same key
                at.map(i -> l -> escapeName(l, i)),
                // many fields, some payloads over the size limit
                Arbitraries.integers().between(100, 6000).map(n -> l -> many(l, n)),
                // no fields at all
                Arbitraries.just(l -> new ArrayList<>()));
    }

    private static Arbitrary<String> badValue() {
        return Arbitraries.oneOf(
                HostileJson.value(),
                Arbitraries.of(
                        "null",
                        "true",
                        "\"\"",
                        "\"   \"",
                        "{}",
                        "[]",
                        "{\"a\":1}",
                        "[1,[2,[3]]]",
                        "0",
                        "-0",
                        "-0.0",
                        "1.0",
                        "1e2",
                        "1.5",
                        "2147483647",
                        "2147483648",
                        "-2147483649",
                        "9223372036854775807",
                        "9223372036854775808",
                        "-9223372036854775809",
                        "1e308",
                        "1e400",
                        "-1e400",
                        "4.9e-325",
                        "1" + "0".repeat(63),
                        "1" + "0".repeat(64),
                        "0." + "1".repeat(70),
                        "NaN",
                        "-Infinity",
                        "Infinity",
                        "+1",
                        "01",
                        ".5",
                        "1.",
                        "0x10",
                        "\"NaN\"",
                        "\"Infinity\"",
                        "\"1e308\"",
                        "\"usd\"",
                        "\"EU1\"",
                        "\"EURO\"",
                        "\"VIEW\"",
                        "\"search\"",
                        "\"JUMP\"",
                        "\"\\u0056IEW\"",
                        "\"2026-11-01T11:00:00Z\"",
                        "\"2026-11-01T11:00:00+01:00\"",
                        "\"+300000000-01-01T00:00:00Z\"",
                        "\"" + "x".repeat(129) + "\"",
                        "\"" + "q".repeat(513) + "\"",
                        "\"a\\qb\"",
                        "\"a\\u12\"",
                        "\"a\u0001b\"",
                        "\"a\\u0000b\"",
                        "\"\\ud800\"",
                        "\"\\udc00x\"",
                        "\"\u202Eevil\"",
                        "\"u\u0456d\"",
                        "\"a\u200Bb\"",
                        "\"a b\"",
                        "\"ab",
                        "[".repeat(16) + "]".repeat(16),
                        "[".repeat(15) + "]".repeat(15),
                        "{\"a\":".repeat(16) + "1" + "}".repeat(16),
                        "{\"a\":1,\"a\":2}",
                        "'single'",
                        "tru",
                        "nul",
                        "1772000000000",
                        "86400000",
                        "1900000000000"),
                Combinators.combine(Arbitraries.strings().ofMaxLength(40), Arbitraries.longs())
                        .as(EventValidatorEquivalenceTest::string));
    }

    private static Arbitrary<UnaryOperator<String>> textMutation() {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, 100_000);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(10, Arbitraries.just(s -> s)),
                net.jqwik.api.Tuple.of(2, at.map(i -> s -> s.substring(0, i % (s.length() + 1)))), // truncated
                net.jqwik.api.Tuple.of(
                        2,
                        Arbitraries.of(" {}", "xyz", "]", "}", ",", "\u0000", " 1", "\"", "//", "{\"a\":")
                                .map(g -> s -> s + g)), // trailing garbage
                net.jqwik.api.Tuple.of(
                        1,
                        Arbitraries.of("\uFEFF", " ", "\u0000", "\u00A0", "[", "//c\n")
                                .map(p -> s -> p + s)),
                net.jqwik.api.Tuple.of(
                        2,
                        Combinators.combine(at, Arbitraries.chars())
                                .as((i, c) -> s -> s.isEmpty() ? s : replace(s, i % s.length(), c))),
                net.jqwik.api.Tuple.of(
                        1,
                        Combinators.combine(at, Arbitraries.of(':', ',', '"', '{', '}', '[', ']', '\\'))
                                .as((i, c) -> s ->
                                        s.substring(0, i % (s.length() + 1)) + c + s.substring(i % (s.length() + 1)))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(s -> "[" + s + "]")),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(s -> s.replace('"', '\''))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(s -> "")));
    }

    private static Arbitrary<UnaryOperator<byte[]>> byteMutation() {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, 100_000);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(12, Arbitraries.just(b -> b)),
                net.jqwik.api.Tuple.of(
                        2, Combinators.combine(at, Arbitraries.bytes()).as((i, x) -> b -> {
                            byte[] c = b.clone();
                            if (c.length > 0) {
                                c[i % c.length] = x;
                            }
                            return c;
                        })),
                net.jqwik.api.Tuple.of(1, at.map(i -> b -> java.util.Arrays.copyOf(b, i % (b.length + 1)))),
                net.jqwik.api.Tuple.of(
                        1,
                        Arbitraries.of(
                                        new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                                        new byte[] {0},
                                        new byte[] {0, 0},
                                        new byte[] {(byte) 0xFE, (byte) 0xFF},
                                        new byte[] {(byte) 0xC0, (byte) 0x80},
                                        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})
                                .map(p -> b -> concat(p, b))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(EventValidatorEquivalenceTest::utf16)));
    }

    // ---- hostile objects and random bytes

    @Provide
    Arbitrary<String> hostileObjects() {
        return HostileJson.objects(
                List.of(
                        "eventId",
                        "userId",
                        "sessionId",
                        "type",
                        "itemId",
                        "categoryId",
                        "price",
                        "quantity",
                        "currency",
                        "query",
                        "timestamp",
                        "extra"),
                java.util.Map.of(
                        "type", Arbitraries.of("\"VIEW\"", "\"purchase\"", "\"SEARCH\"", "\"ADD_TO_CART\""),
                        "eventId",
                                Arbitraries.strings()
                                        .alpha()
                                        .ofMinLength(1)
                                        .ofMaxLength(8)
                                        .map(HostileJson::quote),
                        "userId",
                                Arbitraries.strings()
                                        .alpha()
                                        .ofMinLength(1)
                                        .ofMaxLength(8)
                                        .map(HostileJson::quote),
                        "itemId",
                                Arbitraries.strings()
                                        .alpha()
                                        .ofMinLength(1)
                                        .ofMaxLength(8)
                                        .map(HostileJson::quote),
                        "timestamp",
                                Arbitraries.longs()
                                        .between(NOW - 86_400_000L, NOW + 7_200_000L)
                                        .map(Object::toString)));
    }

    @Provide
    Arbitrary<byte[]> randomPayloads() {
        Arbitrary<byte[]> any = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> jsonish = Arbitraries.strings()
                .withChars("{}[]\":,.-+eE0123456789 \\ntrufalsé\u0000\uFEFF".toCharArray())
                .ofMaxLength(60)
                .map(EventValidatorEquivalenceTest::utf8);
        return Arbitraries.oneOf(any, jsonish, any.map(b -> concat(utf8("{\"eventId\":\""), b)));
    }

    // ---- helpers

    static String render(List<Member> members, String ws) {
        return members.stream()
                .map(m -> m.name() + ws + ":" + ws + m.value())
                .collect(Collectors.joining(ws + "," + ws, ws + "{" + ws, ws + "}" + ws));
    }

    /**
     * {@code s} as a JSON string, the characters picked by {@code mask} written as {@code \\uXXXX} escapes (not
     * the halves of a surrogate pair: one escaped half is an unpaired surrogate).
     */
    static String string(String s, long mask) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || (mask >>> (i % 64) & 1) == 1 && mask % 3 == 0 && !Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private static List<Member> put(List<Member> l, Member m) {
        List<Member> c = new ArrayList<>(l);
        for (int i = 0; i < c.size(); i++) {
            if (c.get(i).name().equals(m.name())) {
                c.set(i, m);
                return c;
            }
        }
        c.add(m);
        return c;
    }

    private static List<Member> remove(List<Member> l, String field) {
        return l.stream().filter(m -> !m.name().equals("\"" + field + "\"")).collect(Collectors.toList());
    }

    private static List<Member> duplicate(List<Member> l, int i, int j, String value, boolean escape) {
        if (l.isEmpty()) {
            return l;
        }
        Member m = l.get(i % l.size());
        String name = escape ? escape(m.name()) : m.name();
        return insert(l, j, new Member(name, value == null ? m.value() : value));
    }

    private static List<Member> insert(List<Member> l, int at, Member m) {
        List<Member> c = new ArrayList<>(l);
        c.add(at % (c.size() + 1), m);
        return c;
    }

    private static List<Member> escapeName(List<Member> l, int i) {
        if (l.isEmpty()) {
            return l;
        }
        List<Member> c = new ArrayList<>(l);
        Member m = c.get(i % c.size());
        c.set(i % c.size(), new Member(escape(m.name()), m.value()));
        return c;
    }

    /** A quoted name with its first letter escaped ({@code "\\u0065ventId"} is the key {@code eventId}). */
    private static String escape(String quoted) {
        return quoted.length() < 3 || quoted.charAt(1) == '\\'
                ? quoted
                : "\"" + String.format("\\u%04x", (int) quoted.charAt(1)) + quoted.substring(2);
    }

    private static List<Member> many(List<Member> l, int n) {
        List<Member> c = new ArrayList<>(l);
        for (int k = 0; k < n; k++) {
            c.add(Member.of("f" + k, k % 2 == 0 ? "\"value-" + k + "\"" : Integer.toString(k)));
        }
        return c;
    }

    private static String replace(String s, int i, char c) {
        return s.substring(0, i) + c + s.substring(i + 1);
    }

    /** The payload for a failure message: UTF-8 text, other bytes and control characters as {@code \\xNN}. */
    static String printable(byte[] payload) {
        StringBuilder b = new StringBuilder();
        new String(payload, StandardCharsets.ISO_8859_1).chars().forEach(c -> {
            if (c >= 0x20 && c < 0x7F) {
                b.append((char) c);
            } else {
                b.append(String.format("\\x%02x", c));
            }
        });
        return b.toString();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] utf16(byte[] b) {
        return new String(b, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16BE);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
