package io.mailflow.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.io.Json;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import io.mailflow.model.UserProfile;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The traffic and the checks of the TaskManager-kill test ({@code .ci/chaos-taskmanager.sh}); the script
 * runs the cluster and kills, this class the data. N shoppers each abandon one cart, and one clock event
 * per partition moves event time past every cart's delay: N abandoned-cart e-mails become due at once.
 * The relay rate limit of the job ({@link #JOB_OPTIONS}) spreads their delivery over tens of seconds, so
 * that the script can kill the TaskManager while e-mails are being sent.
 *
 * <pre>
 * ChaosScenario job-config WORK_DIR
 * ChaosScenario produce N WORK_DIR
 * ChaosScenario verify N MAX_DUPLICATES WORK_DIR
 * </pre>
 *
 * {@code verify} groups the e-mails the SMTP server received by Message-ID: every one of the N shoppers
 * must have exactly one distinct message, nobody else any, and copies beyond the first (duplicates) must
 * not exceed {@code MAX_DUPLICATES}. It prints one summary line starting with {@code chaos:}.
 */
public final class ChaosScenario {
    private static final long MINUTE = 60_000L;
    /**
     * The abandoned-cart campaign; delivery at 20 messages per second for the whole job (400 e-mails take
     * 20 s to send); no quiet hours, so that the outcome does not depend on the time of day.
     */
    static final String[] JOB_OPTIONS = {
        "campaigns.file",
        "classpath:campaigns/abandoned-cart.yaml",
        "delivery.relay-rate-limit",
        "20",
        "delivery.threads",
        "2",
        "guardrails.quiet-hours-start",
        "0ms",
        "guardrails.quiet-hours-end",
        "0ms"
    };

    private final Path work;
    private final Properties services = new Properties();

    private ChaosScenario(Path work) throws Exception {
        this.work = work;
        try (InputStream in = Files.newInputStream(work.resolve("services.properties"))) {
            services.load(in);
        }
    }

    public static void main(String[] args) throws Exception {
        ChaosScenario s = new ChaosScenario(Path.of(args[args.length - 1]));
        switch (args[0]) {
            case "job-config" -> s.writeJobConfig();
            case "produce" -> s.produce(Integer.parseInt(args[1]));
            case "verify" -> System.exit(s.verify(Integer.parseInt(args[1]), Integer.parseInt(args[2])) ? 0 : 1);
            default ->
                throw new IllegalArgumentException(
                        "usage: job-config | produce N | verify N MAX_DUPLICATES, then WORK_DIR");
        }
    }

    private void writeJobConfig() throws Exception {
        StringBuilder yaml = new StringBuilder()
                .append("kafka.bootstrap-servers: ")
                .append(services.getProperty("bootstrap"))
                .append('\n')
                .append("smtp.host: 127.0.0.1\n")
                .append("smtp.port: ")
                .append(services.getProperty("smtpPort"))
                .append('\n');
        for (int i = 0; i < JOB_OPTIONS.length; i += 2) {
            yaml.append(JOB_OPTIONS[i]).append(": ").append(JOB_OPTIONS[i + 1]).append('\n');
        }
        Files.writeString(work.resolve("job.yaml"), yaml.toString());
    }

    private void produce(int n) {
        long t0 = io.mailflow.testing.Events.BEGINNING;
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            for (int i = 1; i <= n; i++) {
                String u = user(i);
                p.send(record(
                        "mailflow.profiles",
                        null,
                        u,
                        Json.toBytes(new UserProfile(u, u + "@example.com", "K" + i, "en", "UTC", true, 1))));
            }
            for (int i = 1; i <= n; i++) {
                String u = user(i);
                Event cart = new Event(
                        u + "-cart",
                        u,
                        null,
                        EventType.ADD_TO_CART,
                        "sku-" + (i % 50),
                        "cat-1",
                        10.0,
                        1,
                        "USD",
                        null,
                        t0 + (i % 60) * MINUTE);
                p.send(record("mailflow.events", null, u, Json.toBytes(cart)));
            }
            // The watermark is the minimum over all source splits: move every partition's clock past
            // every cart's session gap and abandoned-cart delay (30 min + 1 h).
            for (int partition = 0; partition < 2; partition++) {
                String clock = "clock-" + partition;
                Event tick = new Event(
                        "tick-" + partition,
                        clock,
                        null,
                        EventType.VIEW,
                        "sku-0",
                        "cat-0",
                        1.0,
                        null,
                        "USD",
                        null,
                        t0 + 3 * 60 * MINUTE);
                p.send(record("mailflow.events", partition, clock, Json.toBytes(tick)));
            }
            p.flush();
        }
        System.out.printf("chaos: produced %d profiles, %d abandoned carts and 2 clock events%n", n, n);
    }

    private boolean verify(int n, int maxDuplicates) throws Exception {
        Map<String, Integer> copies = new TreeMap<>();
        Map<String, String> recipientOf = new HashMap<>();
        Session session = Session.getInstance(new Properties());
        try (Stream<Path> files = Files.list(work.resolve("mail"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".eml")).toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    MimeMessage m = new MimeMessage(session, in);
                    copies.merge(m.getMessageID(), 1, Integer::sum);
                    recipientOf.put(m.getMessageID(), ((InternetAddress) m.getAllRecipients()[0]).getAddress());
                }
            }
        }
        Set<String> expected = new HashSet<>();
        for (int i = 1; i <= n; i++) {
            expected.add(user(i) + "@example.com");
        }
        Set<String> got = new HashSet<>(recipientOf.values());
        int received = copies.values().stream().mapToInt(Integer::intValue).sum();
        int duplicates = received - copies.size();
        Set<String> missing = new HashSet<>(expected);
        missing.removeAll(got);
        Set<String> unexpected = new HashSet<>(got);
        unexpected.removeAll(expected);
        List<String> duplicated = copies.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .map(e -> e.getKey() + " x" + e.getValue())
                .toList();
        System.out.printf(
                "chaos: expected %d, received %d messages, %d distinct Message-IDs, %d duplicates (allowed %d), "
                        + "%d missing, %d unexpected%s%n",
                n,
                received,
                copies.size(),
                duplicates,
                maxDuplicates,
                missing.size(),
                unexpected.size(),
                duplicated.isEmpty() ? "" : "; duplicated: " + duplicated);
        System.out.println(
                "chaos: send results by status (a restart replays requests; the ledger skips those accepted before): "
                        + countBy("mailflow.send-results", r -> r.get("status").asText()));
        // How each duplicate came about: one delivery that retried, or two deliveries (replay after a kill)?
        Set<String> duplicatedIds = copies.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        for (JsonNode a : records("mailflow.delivery-audit")) {
            if (duplicatedIds.contains(a.get("messageId").asText())) {
                System.out.printf(
                        "chaos: audit of a duplicate: %s attempt %d %s at %s after %d ms: %s%n",
                        a.get("messageId").asText(),
                        a.get("attempt").asInt(),
                        a.get("outcome").asText(),
                        Instant.ofEpochMilli(a.get("startedAt").asLong()),
                        a.get("latencyMs").asLong(),
                        a.get("reply").asText());
            }
        }
        boolean oneIdPerRecipient = copies.size() == got.size();
        return missing.isEmpty() && unexpected.isEmpty() && oneIdPerRecipient && duplicates <= maxDuplicates;
    }

    /** Counts the records of a topic by a property of each. */
    private Map<String, Integer> countBy(String topic, java.util.function.Function<JsonNode, String> key)
            throws Exception {
        Map<String, Integer> out = new TreeMap<>();
        records(topic).forEach(r -> out.merge(key.apply(r), 1, Integer::sum));
        return out;
    }

    /** Every record of a topic, from the beginning to its current end. */
    private List<JsonNode> records(String topic) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, services.getProperty("bootstrap"));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<JsonNode> out = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (var r : c.poll(Duration.ofMillis(200))) {
                    out.add(Json.mapper().readTree(r.value()));
                }
            }
        }
        return out;
    }

    private static String user(int i) {
        return String.format("k%04d", i);
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, services.getProperty("bootstrap"));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(p);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, Integer partition, String key, byte[] value) {
        return new ProducerRecord<>(topic, partition, key.getBytes(StandardCharsets.UTF_8), value);
    }
}
