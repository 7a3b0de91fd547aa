package io.mailflow.profiles;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.io.Json;
import io.mailflow.common.Tags;
import io.mailflow.model.ContactUpdate;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.RawRecord;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Raw records of the profiles topic to contact updates. A profile document updates the profile; a
 * tombstone (null value) for a user key, or {@code {"userId": "...", "erase": true}}, is a GDPR erasure.
 * Invalid records become dead letters without their payload, which holds personal data; topic,
 * partition and offset identify them.
 */
public final class ParseProfilesFunction extends ProcessFunction<RawRecord, ContactUpdate> {
    private static final long serialVersionUID = 1L;
    private final ProfileParser parser = new ProfileParser();

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ContactUpdate> out) {
        long now = System.currentTimeMillis();
        if (raw.tombstone()) {
            String user = raw.keyText();
            if (user == null || user.isBlank()) {
                ctx.output(Tags.DEAD_LETTERS, DeadLetter.of("profile", "tombstone without a user key", raw, ""));
            } else {
                out.collect(ContactUpdate.erase(user, now));
            }
            return;
        }
        JsonNode erase = eraseCommand(raw.value());
        if (erase != null) {
            out.collect(ContactUpdate.erase(erase.get("userId").asText(), now));
            return;
        }
        ProfileParser.Result r = parser.parse(raw.value());
        if (r.profile() != null) {
            out.collect(ContactUpdate.profile(r.profile()));
        } else {
            ctx.output(Tags.DEAD_LETTERS, DeadLetter.of("profile", r.error(), raw, "<withheld: personal data>"));
        }
    }

    private static JsonNode eraseCommand(byte[] value) {
        try {
            JsonNode n = Json.mapper().readTree(value);
            if (n != null && n.isObject() && n.path("erase").asBoolean(false) && n.path("userId").isTextual()
                    && !n.get("userId").asText().isBlank()) {
                return n;
            }
        } catch (Exception e) {
            // not JSON: the profile parser reports it
        }
        return null;
    }
}
