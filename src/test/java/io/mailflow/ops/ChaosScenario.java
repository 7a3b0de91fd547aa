package io.mailflow.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.io.Json;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import io.mailflow.model.UserProfile;
import io.mailflow.testing.LedgerHistory;
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
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * ChaosScenario job-config POLICY WORK_DIR        (POLICY: delivery.ambiguous-policy, skip or resend)
 * ChaosScenario produce N WORK_DIR
 * ChaosScenario clock SECONDS WORK_DIR                 (runs in the background, see {@link #clock})
 * ChaosScenario settled N WORK_DIR
 * ChaosScenario verify N POLICY MAX_DUPLICATES WORK_DIR
 * </pre>
 *
 * {@code verify} groups the e-mails the SMTP server received by Message-ID and sets them against the
 * job's reports of ambiguous requests (see {@link #verify}); it prints lines starting with {@code chaos:}
 * and one line of figures starting with {@code chaos-result:}, and exits 1 when the policy's promise is
 * broken (a duplicate under skip, more duplicates than ambiguous requests under resend, a lost e-mail).
 */
public final class ChaosScenario {
    private static final long MINUTE = 60_000L;
    /**
     * Event time between two shoppers' carts: in order within each partition, as a live shop's events are
     * (2,000 carts span 67 minutes). Carts in the order k0001..kN with times cycling over an hour were
     * out of order by up to 59 minutes, far beyond {@code ingest.max-out-of-orderness}: whenever a replay
     * read them in more than one watermark interval, carts went late (236 of 600 in a run of 2026-12-02).
     */
    private static final long CART_SPACING_MS = 2_000L;
    /**
     * The abandoned-cart campaign; delivery at 10 messages per second for the whole job (600 e-mails take
     * a minute to send: since checkpoints complete during the burst, a restore no longer re-delivers from
     * the start, and at 20 per second a slow machine's script saw all 600 arrive before its fourth kill);
     * no quiet hours, so that the outcome does not depend on the time of day.
     */
    static final String[] JOB_OPTIONS = {
        "campaigns.file",
        "classpath:campaigns/abandoned-cart.yaml",
        "delivery.relay-rate-limit",
        "10",
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
            case "job-config" -> s.writeJobConfig(args.length > 2 ? args[1] : "resend");
            case "produce" -> s.produce(Integer.parseInt(args[1]));
            case "clock" -> s.clock(Integer.parseInt(args[1]));
            case "settled" -> System.exit(s.settled(Integer.parseInt(args[1])));
            case "trace" -> s.trace(Integer.parseInt(args[1]));
            case "verify" ->
                System.exit(s.verify(Integer.parseInt(args[1]), args[2], Integer.parseInt(args[3])) ? 0 : 1);
            default ->
                throw new IllegalArgumentException(
                        "usage: job-config POLICY | produce N | clock SECONDS | settled N | verify N POLICY MAX_DUPLICATES,"
                                + " then WORK_DIR");
        }
    }

    private void writeJobConfig(String policy) throws Exception {
        if (!policy.equals("skip") && !policy.equals("resend")) {
            throw new IllegalArgumentException("policy must be skip or resend: " + policy);
        }
        StringBuilder yaml = new StringBuilder()
                .append("kafka.bootstrap-servers: ")
                .append(services.getProperty("bootstrap"))
                .append('\n')
                .append("smtp.host: 127.0.0.1\n")
                .append("smtp.port: ")
                .append(services.getProperty("smtpPort"))
                .append('\n')
                .append("delivery.ambiguous-policy: ")
                .append(policy)
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
                        t0 + i * CART_SPACING_MS);
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

    /**
     * Keeps event time moving, as the traffic of a live shop does: every 500 ms one more clock event per
     * partition, each one second of event time after the previous, for at most {@code seconds} seconds.
     *
     * <p>Flink does not checkpoint watermarks: after a restore every operator's event time starts again
     * from nothing and only moves once a source reads new records. When every record of the scenario was
     * read before the checkpoint, the timers that were due but not yet fired when it was taken (the
     * abandoned-cart timers fire in one burst under back-pressure, and a checkpoint can be taken in the
     * middle of it) would wait for the next event, which in this scenario never comes. Before this clock
     * existed, 600 e-mails with 4 kills stalled at 537 (2026-12-02).
     */
    private void clock(int seconds) throws Exception {
        long start = io.mailflow.testing.Events.BEGINNING + 3 * 60 * MINUTE;
        long until = System.nanoTime() + seconds * 1_000_000_000L;
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            for (int k = 1; System.nanoTime() < until; k++) {
                for (int partition = 0; partition < 2; partition++) {
                    String clock = "clock-" + partition;
                    Event tick = new Event(
                            "tick-" + partition + "-" + k,
                            clock,
                            null,
                            EventType.VIEW,
                            "sku-0",
                            "cat-0",
                            1.0,
                            null,
                            "USD",
                            null,
                            start + k * 1000L);
                    p.send(record("mailflow.events", partition, clock, Json.toBytes(tick)));
                }
                p.flush();
                Thread.sleep(500);
            }
        }
    }

    /**
     * Whether every one of the N shoppers has an outcome: an e-mail at the server or a
     * {@code SKIPPED_AMBIGUOUS} report (under {@code skip} such an e-mail may never arrive). The script
     * polls this, with a deadline, before it counts.
     */
    private int settled(int n) throws Exception {
        Set<String> done = new HashSet<>();
        Session session = Session.getInstance(new Properties());
        try (Stream<Path> files = Files.list(work.resolve("mail"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".eml")).toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    done.add(((InternetAddress) new MimeMessage(session, in).getAllRecipients()[0]).getAddress());
                }
            }
        }
        if (done.size() < n) {
            for (JsonNode r : records("mailflow.send-results")) {
                if ("SKIPPED_AMBIGUOUS".equals(r.get("status").asText())) {
                    done.add(r.get("userId").asText() + "@example.com");
                }
            }
        }
        System.out.printf("chaos: %d of %d shoppers have an e-mail or a SKIPPED_AMBIGUOUS report%n", done.size(), n);
        if (done.size() >= n) {
            return 0;
        }
        Set<String> late = lateCarts();
        if (!late.isEmpty()) {
            System.out.printf(
                    "chaos: %d carts were late at the session windows (late-events topic), so their shoppers are never"
                            + " e-mailed: the scenario let event time pass them before they were read: %s%n",
                    late.size(), late);
            return 3;
        }
        return 1;
    }

    /** Users whose abandoned cart reached the session windows after the watermark (the late-events topic). */
    private Set<String> lateCarts() throws Exception {
        Set<String> late = new TreeSet<>();
        for (JsonNode e : records("mailflow.late-events")) {
            if ("ADD_TO_CART".equals(e.path("type").asText())) {
                late.add(e.path("userId").asText());
            }
        }
        return late;
    }

    /**
     * For the post-mortem of a stall: every shopper without an e-mail, and what each of the job's topics
     * says about them (guardrail decisions, send results, ledger records, dead letters), so that the
     * stage where their request stopped can be read off.
     */
    private void trace(int n) throws Exception {
        Set<String> got = new HashSet<>();
        Session session = Session.getInstance(new Properties());
        try (Stream<Path> files = Files.list(work.resolve("mail"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".eml")).toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    got.add(((InternetAddress) new MimeMessage(session, in).getAllRecipients()[0]).getAddress());
                }
            }
        }
        Set<String> missing = new TreeSet<>();
        for (int i = 1; i <= n; i++) {
            if (!got.contains(user(i) + "@example.com")) {
                missing.add(user(i));
            }
        }
        System.out.printf("chaos-trace: %d of %d shoppers have no e-mail: %s%n", missing.size(), n, missing);
        Map<String, List<String>> seen = new TreeMap<>();
        missing.forEach(u -> seen.put(u, new java.util.ArrayList<>()));
        for (String topic : List.of(
                "mailflow.late-events",
                "mailflow.sessions",
                "mailflow.campaign-events",
                "mailflow.send-results",
                "mailflow.delivery-audit",
                "mailflow.dead-letters",
                "mailflow.decisions")) {
            for (ConsumerRecord<byte[], byte[]> r : rawRecords(topic)) {
                if (r.value() == null) {
                    continue;
                }
                String text = new String(r.value(), StandardCharsets.UTF_8);
                for (String u : missing) {
                    if (text.contains("\"" + u + "\"") || text.contains(u + "-") || text.contains(":" + u)) {
                        seen.get(u)
                                .add(topic + "@" + r.partition() + "/" + r.offset() + " t=" + r.timestamp() + " "
                                        + (text.length() > 300 ? text.substring(0, 300) + "..." : text));
                    }
                }
            }
        }
        for (ConsumerRecord<byte[], byte[]> r : rawRecords("mailflow.send-ledger")) {
            String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
            String text = r.value() == null ? "<tombstone>" : new String(r.value(), StandardCharsets.UTF_8);
            for (String u : missing) {
                if (key.contains(u) || text.contains(u)) {
                    seen.get(u).add("ledger@" + r.offset() + " t=" + r.timestamp() + " key=" + key + " " + text);
                }
            }
        }
        seen.forEach((u, lines) -> {
            System.out.println("chaos-trace: " + u + (lines.isEmpty() ? ": nothing in any topic" : ":"));
            lines.forEach(l -> System.out.println("    " + l));
        });
    }

    /**
     * Groups what the SMTP server received by Message-ID and sets it against the job's own reports: the
     * send results ({@code SKIPPED_AMBIGUOUS}) and the send ledger (an intent that was never acknowledged
     * and either written again, i.e. re-sent, or left as it was). Prints one {@code chaos-result:} line
     * of figures and returns whether the run keeps the policy's promise:
     *
     * <ul>
     *   <li>both: every e-mail received went to one of the N shoppers, one Message-ID per shopper, and no
     *       shopper is <em>lost</em> (no e-mail received and no {@code SKIPPED_AMBIGUOUS} report);
     *   <li>{@code skip} (at most once): no message received twice; a shopper without an e-mail must be
     *       a reported {@code SKIPPED_AMBIGUOUS} ("not sent, reported");
     *   <li>{@code resend} (at least once): every shopper received the e-mail; duplicates are at most the
     *       number of ambiguous requests, every duplicated message is one of them, and at most
     *       {@code maxDuplicates} (the ledger's window: one per sender thread per kill).
     * </ul>
     */
    private boolean verify(int n, String policy, int maxDuplicates) throws Exception {
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
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(got);
        Set<String> unexpected = new HashSet<>(got);
        unexpected.removeAll(expected);
        Set<String> duplicatedIds = copies.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));

        // The job's reports: send results (SKIPPED_AMBIGUOUS, by request), the ledger (intents never acknowledged).
        List<JsonNode> results = records("mailflow.send-results");
        Map<String, Integer> byStatus = new TreeMap<>();
        results.forEach(r -> byStatus.merge(r.get("status").asText(), 1, Integer::sum));
        Map<String, JsonNode> skippedAmbiguous = new TreeMap<>(); // messageId -> result
        for (JsonNode r : results) {
            if ("SKIPPED_AMBIGUOUS".equals(r.get("status").asText())) {
                skippedAmbiguous.put(r.get("messageId").asText(), r);
            }
        }
        Set<String> ambiguousInLedger = ambiguousRequestsInLedger();
        Set<String> ambiguousMessageIds = new TreeSet<>(skippedAmbiguous.keySet());
        for (JsonNode r : results) {
            if (ambiguousInLedger.contains(r.get("requestId").asText())) {
                ambiguousMessageIds.add(r.get("messageId").asText());
            }
        }
        int ambiguous = Math.max(ambiguousMessageIds.size(), ambiguousInLedger.size());
        long skippedButReceived =
                skippedAmbiguous.keySet().stream().filter(copies::containsKey).count();
        Set<String> skippedAddresses = skippedAmbiguous.values().stream()
                .map(r -> r.get("userId").asText() + "@example.com")
                .collect(Collectors.toSet());
        Set<String> notSentReported = new TreeSet<>(missing);
        notSentReported.retainAll(skippedAddresses);
        Set<String> lost = new TreeSet<>(missing);
        lost.removeAll(skippedAddresses);
        Set<String> unexplainedDuplicates = new TreeSet<>(duplicatedIds);
        unexplainedDuplicates.removeAll(ambiguousMessageIds);

        System.out.printf(
                "chaos: policy %s; expected %d, received %d messages, %d distinct Message-IDs, %d duplicates, "
                        + "%d missing (%d of them reported SKIPPED_AMBIGUOUS, %d lost), %d unexpected%s%n",
                policy,
                n,
                received,
                copies.size(),
                duplicates,
                missing.size(),
                notSentReported.size(),
                lost.size(),
                unexpected.size(),
                duplicatedIds.isEmpty() ? "" : "; duplicated: " + duplicatedIds);
        System.out.printf(
                "chaos: ambiguous requests (intent without acknowledgement at a restore): %d in the ledger, "
                        + "%d reported SKIPPED_AMBIGUOUS (%d of them had reached the server, %d had not)%n",
                ambiguousInLedger.size(),
                skippedAmbiguous.size(),
                skippedButReceived,
                skippedAmbiguous.size() - skippedButReceived);
        System.out.println(
                "chaos: send results by status (a restart replays requests; the ledger skips those accepted before): "
                        + byStatus);
        if (!lost.isEmpty()) {
            System.out.println("chaos: LOST (no e-mail, no report): " + lost);
        }
        // How each duplicate came about: one delivery that retried, or two deliveries (replay after a kill)?
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
        System.out.printf(
                "chaos-result: policy=%s expected=%d received=%d distinct=%d lost=%d duplicated=%d ambiguous=%d "
                        + "skipped_ambiguous=%d skipped_ambiguous_received=%d skipped_ambiguous_not_sent=%d "
                        + "unexpected=%d%n",
                policy,
                n,
                received,
                copies.size(),
                lost.size(),
                duplicates,
                ambiguous,
                skippedAmbiguous.size(),
                skippedButReceived,
                skippedAmbiguous.size() - skippedButReceived,
                unexpected.size());

        List<String> broken = new java.util.ArrayList<>();
        if (!unexpected.isEmpty()) {
            broken.add(unexpected.size() + " e-mails to addresses outside the scenario");
        }
        if (copies.size() != got.size()) {
            broken.add("a shopper received more than one distinct Message-ID");
        }
        if (!lost.isEmpty()) {
            broken.add(lost.size() + " shoppers lost: no e-mail and no SKIPPED_AMBIGUOUS report");
        }
        Set<String> late = lateCarts();
        if (!late.isEmpty()) {
            broken.add(late.size() + " carts late at the session windows (the scenario raced event time): " + late);
        }
        if ("skip".equals(policy)) {
            if (duplicates > 0) {
                broken.add(duplicates + " duplicates under skip (at most once)");
            }
        } else {
            if (!missing.isEmpty()) {
                broken.add(missing.size() + " shoppers without an e-mail under resend (at least once)");
            }
            if (duplicates > ambiguous) {
                broken.add(duplicates + " duplicates, more than the " + ambiguous + " ambiguous requests");
            }
            if (!unexplainedDuplicates.isEmpty()) {
                broken.add("duplicates of requests that were not ambiguous: " + unexplainedDuplicates);
            }
            if (duplicates > maxDuplicates) {
                broken.add(duplicates + " duplicates, more than the ledger's window of " + maxDuplicates);
            }
        }
        broken.forEach(b -> System.out.println("chaos: FAILED: " + b));
        return broken.isEmpty();
    }

    /** Request ids with an intent never acknowledged (see {@link LedgerHistory}). */
    private Set<String> ambiguousRequestsInLedger() {
        return LedgerHistory.ambiguous(rawRecords("mailflow.send-ledger"));
    }

    /** Every record of a topic, from the beginning to its current end, parsed as JSON (no tombstones). */
    private List<JsonNode> records(String topic) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : rawRecords(topic)) {
            if (r.value() != null) {
                out.add(Json.mapper().readTree(r.value()));
            }
        }
        return out;
    }

    /** Every record of a topic, from the beginning to its current end, in offset order per partition. */
    private List<ConsumerRecord<byte[], byte[]>> rawRecords(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, services.getProperty("bootstrap"));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // What the job committed: records of aborted transactions (written before a kill, then replayed) do not count.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
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
