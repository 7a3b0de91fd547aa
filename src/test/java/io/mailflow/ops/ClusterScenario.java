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
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
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
 * The traffic and the checks of the real-cluster test ({@code .ci/cluster-test.sh}); the script runs
 * the cluster, this class the data. Event time is driven by the events, so the outcome is exact:
 *
 * <ol>
 *   <li>phase 1: carts of a1..a5 are abandoned and e-mailed; carts of b1..b5 and c1 are still waiting
 *       for their delay when the job is stopped with a savepoint (pending campaign triggers in state);
 *       q1's e-mail falls into q1's quiet hours and is deferred by the guardrails until after the
 *       scenario (a deferred send with its timer in state); s1 unsubscribed, so s1's e-mail is refused by
 *       the profile join (a suppression in state);
 *   <li>phase 2, restored at the same parallelism: b1..b5 are e-mailed from restored timers, c1's
 *       purchase cancels its restored cart, a replayed event of a1 is dropped by the restored
 *       de-duplication ids; f1..f3 leave carts pending again;
 *   <li>phase 3, restored at another parallelism: f1..f3 are e-mailed, as are new carts of e1..e3.
 * </ol>
 *
 * After every phase each expected recipient has exactly one e-mail (q1 and s1 none), nothing was late,
 * session keys are unique and model versions continue where they stopped (restarted models would
 * repeat version 1).
 *
 * <p>The job sends for the abandoned-cart campaign of {@link #JOB_OPTIONS} ({@code campaigns.file}; a job
 * without a campaign sends nothing). Quiet hours (21:00 to 08:00 local by default) would make the
 * outcome depend on the time of day the test runs: every user therefore lives in a fixed-offset time
 * zone where the scenario's hours are daytime ({@link #DAY_ZONE}), except q1 ({@link #NIGHT_ZONE}).
 *
 * <pre>ClusterScenario job-config WORK_DIR | ClusterScenario phase N WORK_DIR</pre>
 */
public final class ClusterScenario {
    private static final long MINUTE = 60_000L;
    private static final long HOUR = 60 * MINUTE;
    private static final Duration MAIL_TIMEOUT = Duration.ofSeconds(120);
    /** Cumulative recipients after each phase. */
    private static final List<List<String>> EXPECTED = List.of(
            users("a", 5),
            concat(users("a", 5), users("b", 5)),
            concat(users("a", 5), users("b", 5), users("f", 3), users("e", 3)));

    private final Path work;
    private final Properties services = new Properties();
    private final Properties state = new Properties();

    private ClusterScenario(Path work) throws Exception {
        this.work = work;
        try (InputStream in = Files.newInputStream(work.resolve("services.properties"))) {
            services.load(in);
        }
        Path statePath = work.resolve("scenario.properties");
        if (Files.exists(statePath)) {
            try (InputStream in = Files.newInputStream(statePath)) {
                state.load(in);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        ClusterScenario s = new ClusterScenario(Path.of(args[args.length - 1]));
        switch (args[0]) {
            case "job-config" -> s.writeJobConfig();
            case "phase" -> s.phase(Integer.parseInt(args[1]));
            default -> throw new IllegalArgumentException("usage: job-config WORK_DIR | phase N WORK_DIR");
        }
    }

    /** Job options: the services' addresses and {@link #JOB_OPTIONS}. */
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

    private void phase(int n) throws Exception {
        long t0;
        if (n == 1) {
            t0 = io.mailflow.testing.Events.BEGINNING;
            state.setProperty("t0", Long.toString(t0));
            try (OutputStream out = Files.newOutputStream(work.resolve("scenario.properties"))) {
                state.store(out, "cluster scenario");
            }
        } else {
            t0 = Long.parseLong(state.getProperty("t0"));
        }
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            produce(p, n, t0);
        }
        awaitMails(EXPECTED.get(n - 1));
        checkOutputs(n);
    }

    private void produce(KafkaProducer<byte[], byte[]> p, int n, long t0) throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = records(n, t0);
        records.forEach(p::send);
        p.flush();
        System.out.printf("phase %d: produced %d records%n", n, records.size());
    }

    /**
     * The records of phase {@code n} for the default topic names: profiles (phase 1), the phase's events,
     * then one clock event per partition that moves event time forward. Also used to generate the
     * committed savepoints ({@code SavepointGeneratorTest}), which hold the state after phase 1.
     */
    static List<ProducerRecord<byte[], byte[]>> records(int n, long t0) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        long clock;
        switch (n) {
            case 1 -> {
                for (String u : concat(
                        users("a", 5), users("b", 5), users("c", 1), users("e", 3), users("f", 3), users("s", 1))) {
                    out.add(record(
                            "mailflow.profiles",
                            null,
                            u,
                            Json.toBytes(new UserProfile(
                                    u, u + "@example.com", u.toUpperCase(), "en", zone(t0, DAY_ZONE), true, 1))));
                }
                out.add(record(
                        "mailflow.profiles",
                        null,
                        "q1",
                        Json.toBytes(
                                new UserProfile("q1", "q1@example.com", "Q1", "en", zone(t0, NIGHT_ZONE), true, 1))));
                out.add(record(
                        "mailflow.suppressions",
                        null,
                        "s1",
                        Json.toBytes(java.util.Map.of("userId", "s1", "reason", "UNSUBSCRIBED", "at", t0))));
                for (int i = 1; i <= 5; i++) {
                    events.add(cart("a" + i, "a" + i + "-cart", t0 + i * MINUTE));
                }
                events.add(
                        cart("q1", "q1-cart", t0 + MINUTE)); // due at 23:01 in q1's zone: deferred to 08:00, t0 + 10 h
                events.add(cart("s1", "s1-cart", t0 + 3 * MINUTE)); // due at t0 + 1 h 3 min, but s1 unsubscribed
                for (int i = 1; i <= 5; i++) {
                    events.add(cart("b" + i, "b" + i + "-cart", t0 + 2 * HOUR + i * MINUTE));
                }
                events.add(cart("c1", "c1-cart", t0 + 2 * HOUR));
                clock = t0 + 2 * HOUR + 50 * MINUTE; // past a's delay, before b's and c's
            }
            case 2 -> {
                events.add(cart("a1", "a1-cart", t0 + MINUTE)); // the very same event again: a duplicate
                events.add(new Event(
                        "c1-buy",
                        "c1",
                        null,
                        EventType.PURCHASE,
                        "sku-c1",
                        "cat-1",
                        10.0,
                        1,
                        "USD",
                        null,
                        t0 + 2 * HOUR + 55 * MINUTE));
                for (int i = 1; i <= 3; i++) {
                    events.add(cart("f" + i, "f" + i + "-cart", t0 + 3 * HOUR + i * MINUTE));
                }
                clock = t0 + 3 * HOUR + 50 * MINUTE; // past b's and c's delay, before f's
            }
            case 3 -> {
                for (int i = 1; i <= 3; i++) {
                    events.add(cart("e" + i, "e" + i + "-cart", t0 + 4 * HOUR + 30 * MINUTE + i * MINUTE));
                }
                clock = t0 + 7 * HOUR; // past everyone's delay
            }
            default -> throw new IllegalArgumentException("phase " + n);
        }
        // Phase 3 runs at parallelism 1: one source reader reads both partitions, and the job's watermark is
        // generated per parallel instance, not per partition (issue 11). A clock read from one partition before
        // the other partition's carts would make those carts late (seen once in CI, 2026-12-02: e3 had no
        // e-mail). So in phase 3 the carts and the one clock travel on partition 0, in order; at parallelism 2
        // (phases 1 and 2) every partition needs its own clock, since the watermark is the minimum over both.
        boolean onePartition = n == 3;
        for (Event e : events) {
            out.add(record("mailflow.events", onePartition ? 0 : null, e.userId(), Json.toBytes(e)));
        }
        // The watermark is the minimum over all source readers: move every partition's clock forward.
        for (int partition = 0; partition < (onePartition ? 1 : 2); partition++) {
            String user = "clock-" + partition;
            Event tick = new Event(
                    "tick-" + n + "-" + partition,
                    user,
                    null,
                    EventType.VIEW,
                    "sku-0",
                    "cat-0",
                    1.0,
                    null,
                    "USD",
                    null,
                    clock);
            out.add(record("mailflow.events", partition, user, Json.toBytes(tick)));
        }
        return out;
    }

    /**
     * The job options of the scenario (besides addresses): the abandoned-cart campaign (1 h delay), small
     * model batches so that versions move.
     */
    static final String[] JOB_OPTIONS = {
        "campaigns.file",
        "classpath:campaigns/abandoned-cart.yaml",
        "kmeans.k",
        "2",
        "kmeans.batch-size",
        "4",
        "ftrl.publish-every",
        "3",
        "label.horizon",
        "1h"
    };

    /** Local hour at t0 of the users' time zone: the scenario's e-mails go out between 10:00 and 15:00 local. */
    static final int DAY_ZONE = 9;
    /** Local hour at t0 of q1's time zone: q1's e-mail is due at 23:01 local, in quiet hours until 08:00. */
    static final int NIGHT_ZONE = 22;

    /** The fixed-offset zone id in which {@code t0} (a full UTC hour) is {@code localHour}:00. */
    static String zone(long t0, int localHour) {
        int utcHour = Instant.ofEpochMilli(t0).atZone(java.time.ZoneOffset.UTC).getHour();
        int offset = Math.floorMod(localHour - utcHour + 12, 24) - 12;
        return java.time.ZoneOffset.ofHours(offset).getId();
    }

    private static Event cart(String user, String eventId, long at) {
        return new Event(eventId, user, null, EventType.ADD_TO_CART, "sku-" + user, "cat-1", 10.0, 1, "USD", null, at);
    }

    private void awaitMails(List<String> expected) throws Exception {
        long deadline = System.nanoTime() + MAIL_TIMEOUT.toNanos();
        List<String> got = recipients();
        while (got.size() < expected.size() && System.nanoTime() < deadline) {
            Thread.sleep(250);
            got = recipients();
        }
        Thread.sleep(3000); // anything extra (a duplicate, an early e-mail) would arrive now
        got = recipients();
        List<String> want =
                expected.stream().map(u -> u + "@example.com").sorted().toList();
        check(got.equals(want), "e-mails: expected exactly " + want + " but got " + got);
        System.out.printf("phase: %d e-mails in all, each recipient exactly once%n", got.size());
    }

    private List<String> recipients() throws Exception {
        List<String> out = new ArrayList<>();
        Session session = Session.getInstance(new Properties());
        try (Stream<Path> files = Files.list(work.resolve("mail"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".eml")).toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    out.add(((InternetAddress) new MimeMessage(session, in).getAllRecipients()[0]).getAddress());
                }
            }
        }
        out.sort(null);
        return out;
    }

    private void checkOutputs(int n) throws Exception {
        List<JsonNode> late = read("mailflow.late-events");
        check(
                late.isEmpty(),
                "late events: the duplicate should have been dropped by restored de-duplication state, got " + late);

        Map<String, Integer> sessionKeys = new HashMap<>();
        read("mailflow.sessions")
                .forEach(s -> sessionKeys.merge(s.get("sessionKey").asText(), 1, Integer::sum));
        sessionKeys.forEach((k, c) -> check(c == 1, "session " + k + " emitted " + c + " times"));

        // The send ledger is in Kafka, not in the savepoint: it must survive every restart on its own,
        // one accepted request id per e-mail sent so far.
        Map<String, Integer> ledger = new HashMap<>();
        read("mailflow.send-ledger")
                .forEach(e -> ledger.merge(e.get("requestId").asText(), 1, Integer::sum));
        check(
                ledger.size() == EXPECTED.get(n - 1).size(),
                "send ledger: expected " + EXPECTED.get(n - 1).size() + " accepted requests, got " + ledger.keySet());

        List<Long> kmeans = versions("mailflow.segment-models");
        List<Long> propensity = versions("mailflow.propensity-models");
        checkContinues("k-means", kmeans, n);
        checkContinues("propensity", propensity, n);
        System.out.printf(
                "phase %d: %d sessions, %d requests in the send ledger, k-means versions 1..%d, propensity versions 1..%d,"
                        + " no late events%n",
                n,
                sessionKeys.size(),
                ledger.size(),
                kmeans.isEmpty() ? 0 : kmeans.get(kmeans.size() - 1),
                propensity.isEmpty() ? 0 : propensity.get(propensity.size() - 1));
    }

    /** Versions are 1, 2, 3, ... across restores, and each phase adds some: a lost model would start at 1 again. */
    private void checkContinues(String model, List<Long> versions, int phase) throws Exception {
        for (int i = 0; i < versions.size(); i++) {
            check(
                    versions.get(i) == i + 1,
                    model + " versions should be 1, 2, 3, ... without repeats, got " + versions);
        }
        String key = model + ".after." + (phase - 1);
        long before = Long.parseLong(state.getProperty(key, "0"));
        check(
                versions.size() > before,
                model + " published no new version in phase " + phase + " (had " + before + ")");
        state.setProperty(model + ".after." + phase, Integer.toString(versions.size()));
        try (OutputStream out = Files.newOutputStream(work.resolve("scenario.properties"))) {
            state.store(out, "cluster scenario");
        }
    }

    private List<Long> versions(String topic) throws Exception {
        return read(topic).stream().map(m -> m.get("version").asLong()).sorted().toList();
    }

    private List<JsonNode> read(String topic) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, services.getProperty("bootstrap"));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<JsonNode> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = new TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
            end.putAll(c.endOffsets(parts));
            while (end.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue())) {
                for (var r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) { // a compacted topic may hold tombstones
                        out.add(Json.mapper().readTree(r.value()));
                    }
                }
            }
        }
        return out;
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, services.getProperty("bootstrap"));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, Integer partition, String key, byte[] value) {
        return new ProducerRecord<>(topic, partition, key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            System.out.println("FAILED: " + message);
            System.exit(1);
        }
    }

    private static List<String> users(String prefix, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> out = new ArrayList<>();
        for (List<String> l : lists) {
            out.addAll(l);
        }
        return out;
    }
}
