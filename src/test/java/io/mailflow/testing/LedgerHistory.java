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
 * holds an {@code INTENT} that was never acknowledged, i.e. followed by another {@code INTENT} (the
 * process died during the transaction and the request was sent again, policy {@code resend}) or left as
 * the request's last record (not sent again, policy {@code skip}, or never resolved). Counted from the
 * topic itself because the sender's metrics ({@code ambiguousSendsResent}, {@code ambiguousSendsSkipped})
 * start from zero with every restart. The topic is compacted, but not within a test this short.
 */
public final class LedgerHistory {
    private LedgerHistory() {}

    /** Request ids with an unacknowledged intent, from the ledger topic's records in offset order. */
    public static Set<String> ambiguous(Iterable<ConsumerRecord<byte[], byte[]>> ledgerRecords) {
        Map<String, List<String>> history = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : ledgerRecords) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            history.computeIfAbsent(key, k -> new ArrayList<>()).add(state(r.value()));
        }
        Set<String> out = new TreeSet<>();
        history.forEach((id, states) -> {
            for (int i = 0; i < states.size(); i++) {
                boolean last = i == states.size() - 1;
                if ("INTENT".equals(states.get(i)) && (last || "INTENT".equals(states.get(i + 1)))) {
                    out.add(id);
                }
            }
        });
        return out;
    }

    private static String state(byte[] value) {
        if (value == null) {
            return "TOMBSTONE";
        }
        try {
            JsonNode v = Json.mapper().readTree(value);
            return v.hasNonNull("state") ? v.get("state").asText() : "SENT";
        } catch (Exception e) {
            return "MALFORMED";
        }
    }
}
