package io.mailflow.it;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.io.Json;
import io.mailflow.job.MailflowJob;
import io.mailflow.model.Event;
import io.mailflow.model.UserProfile;
import io.mailflow.testing.Events;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.PipelineFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The global bandit end to end: the production job with {@code topic.variant-stats} on a real KRaft broker,
 * MiniCluster at parallelism 2 and GreenMail. Shoppers keyed to both trigger instances abandon carts of a
 * Thompson-sampled campaign, get their e-mail and then buy; the compacted totals topic ends up with, per variant,
 * the exposures and conversions of both instances summed, which no single instance has counted.
 */
class GlobalBanditITCase {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    /** Eight shoppers, four keyed to each of the two trigger instances. */
    private static final List<String> SHOPPERS = shoppers();
    /** User ids that Kafka's default partitioner puts on partition 0 and 1 of a two-partition topic. */
    private static final String[] CLOCK_USERS = clockUsers();

    @TempDir
    Path dir;

    @Test
    void theTotalsTopicCarriesTheSummedCountsOfBothInstances() throws Exception {
        Path campaign = Files.writeString(
                dir.resolve("bandit.yaml"),
                "id: cart\ntrigger: {type: abandoned-cart, delay: 1h}\n"
                        + "variants: [{id: A, weight: 1, template: abandoned-cart},"
                        + " {id: B, weight: 1, template: abandoned-cart-b}]\n"
                        + "selection: thompson\n");
        PipelineFixture fixture = PipelineFixture.create(
                KAFKA.broker(),
                "bandit",
                SMTP.getSmtp().getPort(),
                "job.bounded",
                "false",
                "campaigns.file",
                campaign.toString(),
                "topic.variant-stats",
                "bandit.variant-stats",
                "campaigns.variant-stats.report-interval",
                "1min",
                "ingest.idleness",
                "1s",
                "guardrails.quiet-hours-start",
                "0ms",
                "guardrails.quiet-hours-end",
                "0ms");
        MailflowConfig config = fixture.config();
        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            for (String u : SHOPPERS) {
                UserProfile profile = new UserProfile(u, u + "@example.com", u, "en", "UTC", true, 1);
                p.send(new ProducerRecord<>(
                                config.get(MailflowOptions.TOPIC_PROFILES), bytes(u), Json.toBytes(profile)))
                        .get();
            }
        }
        StreamExecutionEnvironment env = FlinkTestEnv.env();
        MailflowJob.define(env, config);
        JobClient job = env.executeAsync("global-bandit-it");
        try {
            // 1. every shopper abandons a cart and, once event time has passed the delay, gets variant A or B
            long clock = BEGINNING;
            List<Event> carts = new ArrayList<>();
            for (String u : SHOPPERS) {
                carts.add(Events.cart(u, "sku-1", 10.0, clock));
            }
            events(config, carts);
            clock = advanceUntil(config, clock, () -> released(fixture).size() == SHOPPERS.size());
            Map<String, String> variantOf = released(fixture);

            // 2. every shopper buys within the attribution window: one conversion per exposure
            List<Event> purchases = new ArrayList<>();
            for (String u : SHOPPERS) {
                purchases.add(Events.purchase(u, "sku-1", 10.0, clock + ONE_MINUTE));
            }
            events(config, purchases);

            // what each instance counted, and so what the job-wide totals must be
            Map<String, long[]> expected = new TreeMap<>();
            Map<Integer, Integer> perInstance = new TreeMap<>();
            variantOf.forEach((user, variant) -> {
                expected.computeIfAbsent(variant, v -> new long[2])[0]++;
                expected.get(variant)[1]++;
                perInstance.merge(instanceOf(user), 1, Integer::sum);
            });
            assertThat(perInstance).as("exposures on both instances").containsOnlyKeys(0, 1);

            // 3. later minutes tick the reports; the totals topic's newest total per variant is the sum
            clock = advanceUntil(config, clock + 2 * ONE_MINUTE, () -> matches(latestTotals(fixture), expected));
            Map<String, JsonNode> totals = latestTotals(fixture);
            assertThat(totals.keySet()).allMatch(k -> k.startsWith("cart|"));
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                JsonNode t = totals.get("cart|" + e.getKey());
                assertThat(t.get("exposures").asLong()).isEqualTo(e.getValue()[0]);
                assertThat(t.get("conversions").asLong()).isEqualTo(e.getValue()[1]);
                assertThat(t.get("version").asLong())
                        .as("at least one report per instance that exposed it, plus the conversions")
                        .isGreaterThanOrEqualTo(2);
            }
            // every total written is a well-formed one: the job read them back without a dead letter, and both
            // trigger instances took totals into their broadcast state (their variantTotalsApplied counters)
            assertThat(fixture.read(MailflowOptions.TOPIC_DEAD_LETTERS))
                    .noneMatch(d -> d.get("stage").asText().equals("variant-stats"));
            advanceUntil(config, clock, () -> {
                List<Long> applied = appliedPerInstance(job);
                return applied.size() == FlinkTestEnv.PARALLELISM
                        && applied.stream().allMatch(n -> n > 0);
            });
        } finally {
            job.cancel().get();
        }
    }

    /** The trigger operator's {@code variantTotalsApplied} counter of each subtask, from the REST API. */
    private static List<Long> appliedPerInstance(JobClient job) throws Exception {
        org.apache.flink.configuration.Configuration c = FLINK.getClientConfiguration();
        String base = "http://" + c.get(org.apache.flink.configuration.RestOptions.ADDRESS) + ":"
                + c.get(org.apache.flink.configuration.RestOptions.PORT) + "/jobs/" + job.getJobID();
        List<Long> out = new ArrayList<>();
        for (JsonNode v : get(base).get("vertices")) {
            String vertex = base + "/vertices/" + v.get("id").asText();
            for (JsonNode m : get(vertex + "/subtasks/0/metrics")) {
                String id = m.get("id").asText();
                if (id.endsWith(".variantTotalsApplied")) {
                    for (int i = 0; i < v.get("parallelism").asInt(); i++) {
                        JsonNode value = get(vertex + "/subtasks/" + i + "/metrics?get=" + id);
                        out.add(
                                value.size() == 0
                                        ? 0
                                        : value.get(0).get("value").asLong());
                    }
                }
            }
        }
        return out;
    }

    private static JsonNode get(String url) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        return Json.mapper()
                .readTree(http.send(
                                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .body());
    }

    /** Whether the newest totals are exactly the expected counts per variant. */
    private static boolean matches(Map<String, JsonNode> totals, Map<String, long[]> expected) {
        if (totals.size() != expected.size()) {
            return false;
        }
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            JsonNode t = totals.get("cart|" + e.getKey());
            if (t == null
                    || t.get("exposures").asLong() != e.getValue()[0]
                    || t.get("conversions").asLong() != e.getValue()[1]) {
                return false;
            }
        }
        return true;
    }

    /** The newest (highest version) total of each key in the totals topic, as a reader of the topic keeps it. */
    private static Map<String, JsonNode> latestTotals(PipelineFixture fixture) throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : fixture.readRaw(MailflowOptions.TOPIC_VARIANT_STATS)) {
            JsonNode t = Json.mapper().readTree(r.value());
            String key = new String(r.key(), StandardCharsets.UTF_8);
            JsonNode held = out.get(key);
            if (held == null || t.get("version").asLong() > held.get("version").asLong()) {
                out.put(key, t);
            }
        }
        return out;
    }

    /** User to the variant of their released request. */
    private static Map<String, String> released(PipelineFixture fixture) throws Exception {
        Map<String, String> out = new HashMap<>();
        for (JsonNode d : fixture.read(MailflowOptions.TOPIC_CAMPAIGN_EVENTS)) {
            if (d.get("outcome").asText().equals("RELEASED")) {
                out.put(d.get("userId").asText(), d.get("variant").asText());
            }
        }
        return out;
    }

    /**
     * Keeps event time moving, five simulated minutes every half second, as live traffic would (one clock user per
     * partition of the events topic, so that neither holds event time back), until {@code done}; each new minute
     * of event time is a tick at which the trigger instances report. Returns the clock reached.
     */
    private static long advanceUntil(MailflowConfig config, long from, Check done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long clock = from;
        while (System.nanoTime() < deadline) {
            if (done.ok()) {
                return clock;
            }
            clock += 5 * ONE_MINUTE;
            events(config, List.of(Events.view(CLOCK_USERS[0], "x", clock), Events.view(CLOCK_USERS[1], "x", clock)));
            Thread.sleep(500);
        }
        throw new AssertionError("not reached within " + WAIT + " (event time at " + clock + ")");
    }

    @FunctionalInterface
    private interface Check {
        boolean ok() throws Exception;
    }

    private static void events(MailflowConfig config, List<Event> events) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            for (Event e : events) {
                p.send(new ProducerRecord<>(
                                config.get(MailflowOptions.TOPIC_EVENTS), bytes(e.userId()), Json.toBytes(e)))
                        .get();
            }
        }
    }

    /** The trigger instance (of two) that a user's keyed state lives on. */
    private static int instanceOf(String user) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(
                user, MailflowOptions.MAX_PARALLELISM.defaultValue(), FlinkTestEnv.PARALLELISM);
    }

    private static List<String> shoppers() {
        List<String> out = new ArrayList<>();
        int[] per = new int[2];
        for (int i = 0; out.size() < 8; i++) {
            String u = "shopper-" + i;
            int instance = instanceOf(u);
            if (per[instance] < 4) {
                per[instance]++;
                out.add(u);
            }
        }
        return out;
    }

    private static String[] clockUsers() {
        String[] out = new String[2];
        for (int i = 0; out[0] == null || out[1] == null; i++) {
            String u = "clock-" + i;
            int partition = (org.apache.kafka.common.utils.Utils.murmur2(bytes(u)) & 0x7fffffff) % 2;
            if (out[partition] == null) {
                out[partition] = u;
            }
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
