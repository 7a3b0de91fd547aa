package io.mailflow.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.feedback.CampaignStats;
import io.mailflow.io.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Follows the job's output topics and counts what it sees, for the demo's progress lines and summary. */
final class OutputCounter implements AutoCloseable {
    final AtomicLong sessions = new AtomicLong();
    final AtomicLong eventsInClosedSessions = new AtomicLong();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong deadLetters = new AtomicLong();
    final AtomicLong lateEvents = new AtomicLong();
    private final Map<String, Long> deadLetterReasons = new TreeMap<>();
    private final Map<String, Long> decisions = new TreeMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final String sessionsTopic;
    private final String resultsTopic;
    private final String deadLettersTopic;
    private final String decisionsTopic;
    private final String statsTopic;
    private final List<CampaignStats> stats = new ArrayList<>();
    private volatile HoldoutListener onHoldout;
    private final Map<String, Long> releasedAt = new java.util.concurrent.ConcurrentHashMap<>();

    /** Told of every live holdout or control-group assignment (the simulated recipients' baseline purchases). */
    interface HoldoutListener {
        void holdout(String campaignId, String userId, String requestId, long at);
    }

    OutputCounter(
            String bootstrap,
            String sessionsTopic,
            String resultsTopic,
            String deadLettersTopic,
            String lateTopic,
            String decisionsTopic,
            String statsTopic) {
        this.decisionsTopic = decisionsTopic;
        this.statsTopic = statsTopic;
        this.sessionsTopic = sessionsTopic;
        this.resultsTopic = resultsTopic;
        this.deadLettersTopic = deadLettersTopic;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "mailflow-demo-counter");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
        consumer.subscribe(
                List.of(sessionsTopic, resultsTopic, deadLettersTopic, lateTopic, decisionsTopic, statsTopic));
        thread = new Thread(
                () -> {
                    try (consumer) {
                        while (running.get()) {
                            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                                count(r);
                            }
                        }
                    }
                },
                "demo-output-counter");
        thread.setDaemon(true);
        thread.start();
    }

    private void count(ConsumerRecord<byte[], byte[]> r) {
        try {
            JsonNode n = Json.mapper().readTree(r.value());
            if (r.topic().equals(sessionsTopic)) {
                sessions.incrementAndGet();
                long events = 0;
                for (String f : List.of(
                        "views", "clicks", "searches", "addToCarts", "removeFromCarts", "favorites", "purchases")) {
                    events += n.path(f).asLong();
                }
                eventsInClosedSessions.addAndGet(events);
            } else if (r.topic().equals(resultsTopic)) {
                (n.path("status").asText().equals("SENT") ? sent : failed).incrementAndGet();
            } else if (r.topic().equals(deadLettersTopic)) {
                deadLetters.incrementAndGet();
                String reason = n.path("stage").asText() + ": "
                        + n.path("reason")
                                .asText()
                                .replaceAll("user \\S+", "user <id>")
                                .replaceAll("[0-9]{6,}", "N");
                synchronized (deadLetterReasons) {
                    deadLetterReasons.merge(reason, 1L, Long::sum);
                }
            } else if (r.topic().equals(statsTopic)) {
                CampaignStats s = Json.mapper().treeToValue(n, CampaignStats.class);
                synchronized (stats) {
                    stats.add(s);
                }
            } else if (r.topic().equals(decisionsTopic)) {
                HoldoutListener listener = onHoldout;
                if (listener != null
                        && "HOLDOUT".equals(n.path("outcome").asText())
                        && !n.path("dryRun").asBoolean()) {
                    listener.holdout(
                            n.path("campaignId").asText(),
                            n.path("userId").asText(),
                            n.path("requestId").asText(),
                            n.path("at").asLong());
                }
                if ("RELEASED".equals(n.path("outcome").asText())) {
                    releasedAt.put(n.path("requestId").asText(), n.path("at").asLong());
                }
                // the guardrails' decisions: trigger, outcome and, for deferrals and drops, the rule
                String reason = n.path("reason").asText().replaceAll(" in \\S+$", "");
                String key = String.format(
                        java.util.Locale.ROOT,
                        "%-18s %-9s %s",
                        n.path("trigger").asText(),
                        n.path("outcome").asText(),
                        reason);
                synchronized (decisions) {
                    decisions.merge(key.strip(), 1L, Long::sum);
                }
            } else {
                lateEvents.incrementAndGet();
            }
        } catch (Exception e) {
            System.err.println("demo: unreadable output record in " + r.topic() + ": " + e.getMessage());
        }
    }

    /** The event time of a request's release decision, or null when it has not been seen (yet). */
    Long releasedAt(String requestId) {
        return releasedAt.get(requestId);
    }

    void onHoldout(HoldoutListener listener) {
        this.onHoldout = listener;
    }

    /** The campaign statistics records seen so far (a window's later record replaces its earlier one in totals). */
    List<CampaignStats> stats() {
        synchronized (stats) {
            return new ArrayList<>(stats);
        }
    }

    long statsRecords() {
        synchronized (stats) {
            return stats.size();
        }
    }

    Map<String, Long> deadLetterReasons() {
        synchronized (deadLetterReasons) {
            return new TreeMap<>(deadLetterReasons);
        }
    }

    /** Guardrail decisions counted by trigger, outcome and reason. */
    Map<String, Long> decisions() {
        synchronized (decisions) {
            return new TreeMap<>(decisions);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(5_000);
    }
}
