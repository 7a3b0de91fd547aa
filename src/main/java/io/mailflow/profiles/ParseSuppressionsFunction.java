package io.mailflow.profiles;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.io.Json;
import io.mailflow.common.Tags;
import io.mailflow.model.ContactUpdate;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.RawRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Suppression events ({@code {"userId":..., "reason":..., "at":...}}) to contact updates. */
public final class ParseSuppressionsFunction extends ProcessFunction<RawRecord, ContactUpdate> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ContactUpdate> out) {
        try {
            JsonNode n = Json.mapper().readTree(raw.value());
            String user = n == null ? "" : n.path("userId").asText("");
            String reason = n == null ? "" : n.path("reason").asText("");
            if (user.isBlank() || reason.isBlank()) {
                throw new IllegalArgumentException("needs 'userId' and 'reason'");
            }
            out.collect(ContactUpdate.suppress(user, reason, n.path("at").asLong(raw.sourceTimestamp())));
        } catch (Exception e) {
            ctx.output(Tags.DEAD_LETTERS, DeadLetter.of("suppression", "invalid suppression event: " + e.getMessage(), raw,
                    new String(raw.value(), StandardCharsets.UTF_8)));
        }
    }
}
