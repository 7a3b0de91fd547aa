package io.mailflow.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.RawRecord;
import io.mailflow.privacy.Pseudonymizer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dead letters of inputs that carry the shop's raw user ids (events, profiles, suppressions), when the job
 * replaces them by pseudonyms: a rejected record must not carry the raw id out either.
 *
 * <ul>
 *   <li>a JSON object with a {@code userId}: the payload keeps every field but {@code userId}, which becomes its
 *       pseudonym, and the raw id is replaced by the pseudonym wherever the reason quotes it;
 *   <li>anything else (not JSON, no user id): the payload is withheld ({@link #WITHHELD}) and quoted fragments of
 *       the reason (a JSON parser's echo of the input) become {@code '…'}. Topic, partition and offset still
 *       point at the record in the shop's own topic.
 * </ul>
 *
 * Without a pseudonymizer, a dead letter is made as before.
 */
public final class PseudonymousDeadLetters {
    /** The payload of a dead letter that may hold a raw user id. */
    public static final String WITHHELD = "<withheld: may hold a raw user id>";

    private static final int MAX_PARSED_BYTES = 1024 * 1024;
    private static final String ID_CHAR = "[A-Za-z0-9_-]";
    private static final Pattern QUOTED = Pattern.compile("'[^']*'|\"[^\"]*\"");

    private PseudonymousDeadLetters() {}

    /**
     * @param payload the payload the dead letter would have with raw ids (the record's text, or a withheld marker)
     * @param pseudonyms null when ids stay raw
     */
    public static DeadLetter of(String stage, String reason, RawRecord raw, String payload, Pseudonymizer pseudonyms) {
        if (pseudonyms == null) {
            return DeadLetter.of(stage, reason, raw, payload);
        }
        boolean withPayload = raw.value() != null && payload.equals(DeadLetter.payloadText(raw.value()));
        ObjectNode record = object(raw.value());
        JsonNode id = record == null ? null : record.get("userId");
        if (id == null || !id.isValueNode() || id.asText().isEmpty()) {
            String safeReason = QUOTED.matcher(reason == null ? "" : reason).replaceAll("'…'");
            return DeadLetter.of(stage, safeReason, raw, withPayload && !payload.isEmpty() ? WITHHELD : payload);
        }
        String rawId = id.asText();
        String pseudonym = pseudonyms.ensure(rawId);
        record.put("userId", pseudonym);
        return DeadLetter.of(
                stage, replaceId(reason, rawId, pseudonym), raw, withPayload ? Json.toText(record) : payload);
    }

    /** {@code text} with every occurrence of {@code rawId} not inside a longer word (letters, digits, _ -) replaced. */
    public static String replaceId(String text, String rawId, String replacement) {
        if (text == null || rawId.isEmpty()) {
            return text;
        }
        return Pattern.compile("(?<!" + ID_CHAR + ")" + Pattern.quote(rawId) + "(?!" + ID_CHAR + ")")
                .matcher(text)
                .replaceAll(Matcher.quoteReplacement(replacement));
    }

    private static ObjectNode object(byte[] value) {
        if (value == null || value.length == 0 || value.length > MAX_PARSED_BYTES) {
            return null;
        }
        try {
            JsonNode n = Json.mapper().readTree(value);
            return n instanceof ObjectNode o ? o : null;
        } catch (Exception | StackOverflowError e) {
            return null;
        }
    }
}
