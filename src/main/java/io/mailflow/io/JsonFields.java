package io.mailflow.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.ToIntFunction;

/**
 * Reads the top-level fields of one JSON object in a single pass of Jackson's streaming parser, with the payload
 * rules of {@link InputRules#object}: the same limits, the same accepted documents and the same reasons, without
 * building a tree. Only the fields a caller names are kept (as {@link FieldValue}s); the others are checked by the
 * parser (syntax, depth, duplicate keys) and skipped. As with the tree, anything but white space after the object is refused.
 *
 * <p>The parser reads the bytes directly once they are known to be strict UTF-8. Two things would make the byte
 * parser differ from the tree's, which parsed decoded text: it skips a UTF-8 byte-order mark and guesses UTF-16 or
 * UTF-32 from zero bytes at the start; such payloads (and any the byte parser finds malformed, so that the reason
 * quotes the text parser's message) are read again from the decoded text, as the tree read them. Flink-free.
 */
public final class JsonFields {
    private JsonFields() {}

    /**
     * @param slots the index of a field to keep in the result, or a negative number for one to skip
     * @param slotCount the size of the result
     * @return the kept fields by index, {@code null} for absent ones
     * @throws InputRules.Invalid with the reason when the payload is not one JSON object within the limits
     */
    public static FieldValue[] read(
            byte[] payload, int maxBytes, String what, ToIntFunction<String> slots, int slotCount) {
        if (payload == null || payload.length == 0) {
            throw new InputRules.Invalid("empty payload");
        }
        if (payload.length > maxBytes) {
            throw new InputRules.Invalid("payload of " + payload.length + " bytes exceeds the limit of " + maxBytes);
        }
        if (!Utf8.isStrict(payload)) {
            throw new InputRules.Invalid("payload is not valid UTF-8");
        }
        if (!Utf8.mayBeDetectedOtherwise(payload)) {
            try (JsonParser p = InputRules.STRICT_FACTORY.createParser(payload)) {
                return readObject(p, what, slots, slotCount, false);
            } catch (InputRules.Invalid e) {
                throw e;
            } catch (Exception | StackOverflowError e) {
                // read again below, as text: its message is the reason
            }
        }
        try (JsonParser p = InputRules.STRICT_FACTORY.createParser(new String(payload, StandardCharsets.UTF_8))) {
            return readObject(p, what, slots, slotCount, true);
        } catch (InputRules.Invalid e) {
            throw e;
        } catch (Exception | StackOverflowError e) {
            throw new InputRules.Invalid("malformed JSON: " + InputRules.firstLine(e.getMessage()));
        }
    }

    /**
     * @param finishAll whether to finish every token as the tree does (every string decoded, every number
     *     converted), so that a broken document fails where and as the tree fails; skipping is faster
     */
    private static FieldValue[] readObject(
            JsonParser p, String what, ToIntFunction<String> slots, int slotCount, boolean finishAll)
            throws IOException {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
            if (t != null) {
                consume(p, t, true); // the tree reads the whole root value before it looks at its type
            }
            throw new InputRules.Invalid(what + " is not a JSON object");
        }
        FieldValue[] values = new FieldValue[slotCount];
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            int slot = slots.applyAsInt(p.currentName());
            JsonToken v = p.nextToken();
            if (slot >= 0) {
                values[slot] = FieldValue.read(p, v, finishAll);
            } else {
                consume(p, v, finishAll);
            }
        }
        // the parser only ends an object at its closing brace; after it, only white space
        if (p.nextToken() != null) {
            throw new InputRules.Invalid(InputRules.TRAILING);
        }
        return values;
    }

    /** Reads past the value at token {@code t}: a scalar, or a container to its end. */
    static void consume(JsonParser p, JsonToken t, boolean finishAll) throws IOException {
        if (!finishAll) {
            p.skipChildren(); // a string left unread is still checked when the parser moves past it
            return;
        }
        int depth = 0;
        do {
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                depth++;
            } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                depth--;
            } else if (t != JsonToken.FIELD_NAME) {
                FieldValue.read(p, t, false);
            }
        } while (depth > 0 && (t = p.nextToken()) != null);
    }
}
