package io.mailflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.io.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the send-ledger topic tells about ambiguous sends after faults: the request ids whose history
 * holds an {@code INTENT} that was never acknowledged, i.e. followed by an {@code INTENT} of another writer
 * (the process died during the transaction and a restarted sender sent it again, policy {@code resend}) or
 * left as the request's last record (not sent again, policy {@code skip}, or never resolved). Two intents
 * of the same writer in a row are one write retried (the first timed out at the sender but reached the
 * broker), not a restart; records without a writer (older versions) count as written by different ones. Counted from the
 * topic itself because the sender's metrics ({@code ambiguousSendsResent}, {@code ambiguousSendsSkipped})
 * start from zero with every restart. The topic is compacted, but not within a test this short.
 */
public final class LedgerHistory {
    private LedgerHistory() {}

    /** Request ids with an unacknowledged intent, from the ledger topic's records in offset order. */
    public static Set<String> ambiguous(Iterable<ConsumerRecord<byte[], byte[]>> ledgerRecords) {
        Map<String, List<Step>> history = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : ledgerRecords) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            history.computeIfAbsent(key, k -> new ArrayList<>()).add(step(r.value()));
        }
        Set<String> out = new TreeSet<>();
        history.forEach((id, steps) -> {
            for (int i = 0; i < steps.size(); i++) {
                Step s = steps.get(i);
                if (!"INTENT".equals(s.state())) {
                    continue;
                }
                // Skip the same writer's retried writes of this intent.
                int j = i + 1;
                while (j < steps.size() && s.equals(steps.get(j)) && s.writer() != null) {
                    j++;
                }
                if (j == steps.size() || "INTENT".equals(steps.get(j).state())) {
                    out.add(id);
                }
                i = j - 1;
            }
        });
        return out;
    }

    /** One record of a request's history: its state and the writer that wrote it (null when not named). */
    private record Step(String state, String writer) {}

    private static Step step(byte[] value) {
        if (value == null) {
            return new Step("TOMBSTONE", null);
        }
        try {
            JsonNode v = Json.mapper().readTree(value);
            return new Step(
                    v.hasNonNull("state") ? v.get("state").asText() : "SENT",
                    v.hasNonNull("writer") ? v.get("writer").asText() : null);
        } catch (Exception e) {
            return new Step("MALFORMED", null);
        }
    }
}
