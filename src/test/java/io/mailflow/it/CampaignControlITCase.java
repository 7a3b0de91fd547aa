package io.mailflow.it;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_HOUR;
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
import io.mailflow.testing.PipelineFixture;
import io.mailflow.testkit.EmbeddedKafka;
import io.mailflow.tools.cli.CampaignCli;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Campaigns change while the job runs: an unbounded job on a real KRaft broker, MiniCluster at
 * parallelism 2 and GreenMail. A campaign is added (published with the CLI), changed (another
 * template), an invalid definition is rejected without disturbing anything, the campaign is paused and
 * another one added; each effect shows in the e-mails that arrive and in the campaign-status topic.
 */
class CampaignControlITCase {
    private static final Duration WAIT = Duration.ofSeconds(40);

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    private static EmbeddedKafka kafka;
    private static PipelineFixture diag;
    /** User ids that Kafka's default partitioner puts on partition 0 and 1 of a two-partition topic. */
    private static final String[] CLOCK_USERS = clockUsers();

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

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void addChangeRejectAndPauseCampaignsWhileTheJobRuns() throws Exception {
        PipelineFixture fixture = PipelineFixture.create(
                kafka,
                "control",
                SMTP.getSmtp().getPort(),
                "job.bounded",
                "false",
                "campaigns.file",
                "",
                "ingest.idleness",
                "1s",
                "guardrails.quiet-hours-start",
                "0ms",
                "guardrails.quiet-hours-end",
                "0ms");
        MailflowConfig config = fixture.config();
        diag = fixture;
        try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
            for (String u : List.of("u1", "u2", "u3", "u4")) {
                UserProfile profile = new UserProfile(u, u + "@example.com", u.toUpperCase(), "en", "UTC", true, 1);
                p.send(new ProducerRecord<>(
                                config.get(MailflowOptions.TOPIC_PROFILES), bytes(u), Json.toBytes(profile)))
                        .get();
            }
        }
        StreamExecutionEnvironment env = FlinkTestEnv.env();
        MailflowJob.define(env, config);
        JobClient job = env.executeAsync("campaign-control-it");
        try {
            long t = BEGINNING;
            // 1. add a campaign with the CLI
            publish(
                    config,
                    "id: cart\nversion: 1\ntrigger: {type: abandoned-cart, delay: 1h}\n"
                            + "variants: [{id: A, template: abandoned-cart}]\n");
            awaitStatus(
                    fixture,
                    s -> s.get("campaignId").asText().equals("cart")
                            && s.get("status").asText().equals("ACTIVE"));
            events(config, Events.cart("u1", "sku-1", 10.0, t));
            MimeMessage first;
            try {
                first = awaitMail("u1@example.com", config, t);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nwatermarks:\n" + watermarks(job), e);
            }
            assertThat(first.getSubject()).isEqualTo("U1, you left 1 item in your cart");

            // 2. change it: another template
            publish(
                    config,
                    "id: cart\nversion: 2\ntrigger: {type: abandoned-cart, delay: 1h}\n"
                            + "variants: [{id: B, template: abandoned-cart-b}]\n");
            awaitStatus(
                    fixture,
                    s -> s.get("campaignId").asText().equals("cart")
                            && s.get("version").asInt() == 2);
            events(config, Events.cart("u2", "sku-2", 10.0, t + 4 * ONE_HOUR));
            assertThat(awaitMail("u2@example.com", config, t + 4 * ONE_HOUR).getSubject())
                    .isEqualTo("U2, your cart is about to expire");

            // 3. an invalid definition is rejected with its reasons; nothing else is disturbed
            try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
                p.send(
                                new ProducerRecord<>(
                                        config.get(MailflowOptions.TOPIC_CAMPAIGNS),
                                        bytes("broken"),
                                        bytes(
                                                "{\"id\":\"broken\",\"trigger\":{\"type\":\"teleport\"},\"holdoutPercent\":150}")))
                        .get();
            }
            JsonNode rejected =
                    awaitStatus(fixture, s -> s.get("status").asText().equals("REJECTED"));
            assertThat(rejected.get("reason").asText())
                    .contains("unknown trigger type 'teleport'")
                    .contains("holdoutPercent");

            // 4. pause the cart campaign and add a cross-sell campaign
            publish(
                    config,
                    "campaigns:\n"
                            + "  - {id: cart, version: 3, status: paused, trigger: {type: abandoned-cart, delay: 1h}, variants: [{id: B, template: abandoned-cart-b}]}\n"
                            + "  - {id: cross-sell, trigger: {type: post-purchase, delay: 90min}, variants: [{id: A, template: post-purchase}]}\n");
            awaitStatus(
                    fixture,
                    s -> s.get("campaignId").asText().equals("cross-sell")
                            && s.get("status").asText().equals("ACTIVE"));
            awaitStatus(
                    fixture,
                    s -> s.get("campaignId").asText().equals("cart")
                            && s.get("status").asText().equals("PAUSED"));
            events(
                    config,
                    Events.cart("u3", "sku-3", 10.0, t + 9 * ONE_HOUR), // paused campaign: due at +10h, no e-mail
                    Events.purchase("u4", "sku-4", 10.0, t + 9 * ONE_HOUR)); // cross-sell: due at +10.5h
            assertThat(awaitMail("u4@example.com", config, t + 9 * ONE_HOUR).getSubject())
                    .isEqualTo("U4, thanks for your order — picked for you");
            Thread.sleep(2_000);
            assertThat(recipients()).containsExactlyInAnyOrder("u1@example.com", "u2@example.com", "u4@example.com");

            List<JsonNode> dead = fixture.read(MailflowOptions.TOPIC_DEAD_LETTERS);
            assertThat(dead).anySatisfy(d -> {
                assertThat(d.get("stage").asText()).isEqualTo("campaign");
                assertThat(d.get("reason").asText()).startsWith("campaign 'broken' rejected: ");
            });
            List<JsonNode> decisions = fixture.read(MailflowOptions.TOPIC_CAMPAIGN_EVENTS);
            assertThat(decisions)
                    .extracting(d -> d.get("campaignId").asText() + ":"
                            + d.get("outcome").asText())
                    .containsExactlyInAnyOrder("cart:RELEASED", "cart:RELEASED", "cross-sell:RELEASED");
        } finally {
            job.cancel().get();
        }
    }

    private void publish(MailflowConfig config, String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("c" + System.nanoTime() + ".yaml"), yaml);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = CampaignCli.run(
                new String[] {
                    "publish",
                    file.toString(),
                    "--bootstrap",
                    kafka.bootstrapServers(),
                    "--topic",
                    config.get(MailflowOptions.TOPIC_CAMPAIGNS)
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err);
        assertThat(status).as(out.toString(StandardCharsets.UTF_8)).isZero();
    }

    private static void events(MailflowConfig config, Event... events) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
            for (Event e : events) {
                p.send(new ProducerRecord<>(
                                config.get(MailflowOptions.TOPIC_EVENTS), bytes(e.userId()), Json.toBytes(e)))
                        .get();
            }
        }
    }

    private static JsonNode awaitStatus(PipelineFixture fixture, Predicate<JsonNode> wanted) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            // A rejection is reported once by the parser (instance -1); an applied definition by every parallel
            // trigger instance, and only when all have applied it does the whole job run it.
            java.util.Set<Integer> instances = new java.util.HashSet<>();
            JsonNode match = null;
            for (JsonNode s : fixture.read(MailflowOptions.TOPIC_CAMPAIGN_STATUS)) {
                if (wanted.test(s)) {
                    match = s;
                    instances.add(s.get("instance").asInt());
                }
            }
            if (match != null && (instances.contains(-1) || instances.size() >= FlinkTestEnv.PARALLELISM)) {
                return match;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(
                "campaign status did not arrive: " + fixture.read(MailflowOptions.TOPIC_CAMPAIGN_STATUS));
    }

    /**
     * Waits for an e-mail while a clock user keeps event time moving, five simulated minutes a second, as
     * live traffic would: a trigger whose input arrives after the watermark already passed its due time
     * (possible when idle inputs wake up) fires at the next advance of the watermark. Event time moves in
     * small steps on purpose: a jump of hours published next to a shopper's event can reach the window
     * operator first, while the shopper's partition is still marked idle, and make that event late.
     */
    private static MimeMessage awaitMail(String to, MailflowConfig config, long clockFrom) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long clock = clockFrom;
        long nextTick = System.nanoTime();
        while (System.nanoTime() < deadline) {
            if (System.nanoTime() >= nextTick) {
                clock += 5 * ONE_MINUTE;
                // one clock user per partition of the events topic, so that neither partition holds event time back
                events(config, Events.view(CLOCK_USERS[0], "x", clock), Events.view(CLOCK_USERS[1], "x", clock));
                nextTick = System.nanoTime() + 1_000_000_000L;
            }
            for (MimeMessage m : SMTP.getReceivedMessages()) {
                if (((InternetAddress) m.getAllRecipients()[0]).getAddress().equals(to)) {
                    return m;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no e-mail to " + to + " within " + WAIT + "; received " + recipients()
                + "; sessions " + diag.read(MailflowOptions.TOPIC_SESSIONS) + "; segments "
                + diag.read(MailflowOptions.TOPIC_SEGMENTS).size()
                + "; scores " + diag.read(MailflowOptions.TOPIC_SCORES).size()
                + "; campaign events " + diag.read(MailflowOptions.TOPIC_CAMPAIGN_EVENTS) + "; dead letters "
                + diag.read(MailflowOptions.TOPIC_DEAD_LETTERS) + "; late events "
                + diag.read(MailflowOptions.TOPIC_LATE_EVENTS) + "; campaign status "
                + diag.read(MailflowOptions.TOPIC_CAMPAIGN_STATUS));
    }

    private static List<String> recipients() throws Exception {
        List<String> out = new ArrayList<>();
        for (MimeMessage m : SMTP.getReceivedMessages()) {
            out.add(((InternetAddress) m.getAllRecipients()[0]).getAddress());
        }
        return out;
    }

    private static String watermarks(JobClient job) throws Exception {
        org.apache.flink.configuration.Configuration c = FLINK.getClientConfiguration();
        String base = "http://" + c.get(org.apache.flink.configuration.RestOptions.ADDRESS) + ":"
                + c.get(org.apache.flink.configuration.RestOptions.PORT);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        JsonNode j = Json.mapper()
                .readTree(http.send(
                                java.net.http.HttpRequest.newBuilder(
                                                java.net.URI.create(base + "/jobs/" + job.getJobID()))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .body());
        StringBuilder sb = new StringBuilder();
        for (JsonNode v : j.get("vertices")) {
            String w = http.send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/jobs/" + job.getJobID()
                                            + "/vertices/" + v.get("id").asText() + "/watermarks"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body();
            sb.append(v.get("name").asText()).append(" -> ").append(w).append('\n');
            String vurl = base + "/jobs/" + job.getJobID() + "/vertices/"
                    + v.get("id").asText() + "/subtasks/metrics";
            JsonNode names = Json.mapper()
                    .readTree(http.send(
                                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(vurl))
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString())
                            .body());
            StringBuilder wanted = new StringBuilder();
            for (JsonNode n : names) {
                String id = n.get("id").asText();
                if (id.contains("campaign")
                        || id.contains("guardrail")
                        || id.endsWith("numRecordsIn")
                        || id.endsWith("numRecordsOut")) {
                    wanted.append(wanted.length() == 0 ? "" : ",")
                            .append(java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            if (wanted.length() > 0) {
                sb.append("   metrics ")
                        .append(http.send(
                                        java.net.http.HttpRequest.newBuilder(
                                                        java.net.URI.create(vurl + "?get=" + wanted))
                                                .build(),
                                        java.net.http.HttpResponse.BodyHandlers.ofString())
                                .body())
                        .append('\n');
            }
        }
        return sb.toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
