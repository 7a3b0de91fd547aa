package io.mailflow.testing;

import io.mailflow.io.Json;
import io.mailflow.model.Event;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates malformed event payloads from valid ones, each invalid by construction (every mutation
 * breaks a rule of docs/events.md), so a test can demand that every single one is dead-lettered.
 */
public final class Fuzzer {
    /** The kinds of damage, each guaranteed to make the payload invalid. */
    public enum Mutation {
        TRUNCATED,
        NOT_JSON,
        INVALID_UTF8,
        MISSING_REQUIRED,
        WRONG_TYPE,
        HUGE_FIELD,
        HUGE_PAYLOAD,
        FAR_FUTURE,
        ANCIENT,
        NEGATIVE_PRICE,
        ZERO_QUANTITY,
        UNKNOWN_TYPE,
        CONTROL_CHARS,
        ARRAY,
        EMPTY
    }

    /** One fuzzed payload and what was done to it. */
    public record Case(Mutation mutation, byte[] payload) {}

    private final Random random;

    public Fuzzer(long seed) {
        this.random = new Random(seed);
    }

    public List<Case> cases(int n) {
        List<Case> out = new ArrayList<>(n);
        Mutation[] all = Mutation.values();
        for (int i = 0; i < n; i++) {
            Event base = Events.cart(
                    "fz" + random.nextInt(1000),
                    "sku-" + random.nextInt(100),
                    1 + random.nextInt(100),
                    Events.BEGINNING + i);
            Mutation m = all[random.nextInt(all.length)];
            out.add(new Case(m, mutate(m, base, i)));
        }
        return out;
    }

    private byte[] mutate(Mutation m, Event e, int i) {
        String json = Json.toText(e);
        return switch (m) {
            case TRUNCATED -> bytes(json.substring(0, 1 + random.nextInt(json.length() - 2)));
            case NOT_JSON -> bytes("event " + i + " " + Long.toHexString(random.nextLong()));
            case INVALID_UTF8 -> {
                byte[] b = bytes(json);
                b[10 + random.nextInt(b.length - 20)] = (byte) (0xC0 | random.nextInt(2)); // overlong lead byte
                yield b;
            }
            case MISSING_REQUIRED ->
                bytes(json.replaceFirst(
                        List.of(
                                        "\"eventId\":\"[^\"]*\",",
                                        "\"userId\":\"[^\"]*\",",
                                        "\"type\":\"[^\"]*\",",
                                        ",\"timestamp\":-?[0-9]+")
                                .get(random.nextInt(4)),
                        ""));
            case WRONG_TYPE ->
                bytes(json.replaceFirst("\"price\":[0-9.]+", "\"price\":\"" + random.nextInt(100) + "\""));
            case HUGE_FIELD ->
                bytes(json.replaceFirst(
                        "\"itemId\":\"[^\"]*\"", "\"itemId\":\"" + "x".repeat(200 + random.nextInt(2000)) + "\""));
            case HUGE_PAYLOAD -> bytes(json.replaceFirst("\\}$", ",\"padding\":\"" + "p".repeat(70_000) + "\"}"));
            case FAR_FUTURE ->
                bytes(json.replaceFirst(
                        "\"timestamp\":[0-9]+", "\"timestamp\":" + (4_102_444_800_000L + random.nextInt(1_000_000))));
            case ANCIENT ->
                bytes(json.replaceFirst("\"timestamp\":[0-9]+", "\"timestamp\":" + random.nextInt(1_000_000)));
            case NEGATIVE_PRICE ->
                bytes(json.replaceFirst("\"price\":[0-9.]+", "\"price\":-" + (1 + random.nextInt(50))));
            case ZERO_QUANTITY -> bytes(json.replaceFirst("\"quantity\":[0-9]+", "\"quantity\":0"));
            case UNKNOWN_TYPE ->
                bytes(json.replaceFirst("\"type\":\"[A-Z_]+\"", "\"type\":\"X" + random.nextInt(1000) + "\""));
            case CONTROL_CHARS -> bytes(json.replaceFirst("\"userId\":\"", "\"userId\":\"\\\\u0007\\\\r\\\\n"));
            case ARRAY -> bytes("[" + json + "]");
            case EMPTY -> new byte[0];
        };
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
