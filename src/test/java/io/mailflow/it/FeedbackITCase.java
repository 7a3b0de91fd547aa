package io.mailflow.it;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_HOUR;
import static io.mailflow.testing.Events.ONE_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.mailflow.campaigns.RequestIds;
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
import io.mailflow.tools.report.ReportData;
import io.mailflow.tools.report.ReportMain;
import io.mailflow.tools.report.ReportReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Closing the loop on the production topology at parallelism 2 with a real broker and real SMTP:
 * abandoned-cart e-mails go out, then engagement events and purchases come back, and the job yields
 * the expected campaign statistics, attributed revenue and suppressions; a later e-mail to the user who
 * unsubscribed is blocked.
 */
class FeedbackITCase {
    private static final String CAMPAIGN = "abandoned-cart";

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void engagementAndPurchasesYieldStatisticsAttributionAndSuppressions() throws Exception {
        PipelineFixture f = PipelineFixture.create(
                KAFKA.broker(),
                "fb",
                SMTP.getSmtp().getPort(),
                "session.gap",
                "30min",
                "abandoned-cart.delay",
                "1h",
                "attribution.window",
                "2h",
                "stats.window",
                "1h");
        MailflowConfig config = f.config();
        List<String> users = List.of("ann", "ben", "cat", "dan");
        Map<String, String> requestOf = new LinkedHashMap<>();
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            String u = users.get(i);
            long cartAt = BEGINNING + i * ONE_MINUTE;
            events.add(Events.cart(u, "sku-" + u, 9.99, cartAt));
            // the abandoned-cart request id is derived from campaign, user and triggering session
            requestOf.put(u, RequestIds.of(CAMPAIGN, u, u + "@" + cartAt));
        }
        // E-mails are decided about 1 h after each cart (the session ends at its last event, plus the
        // delay and the profile grace); engagement comes half an hour later, within the 2 h window.
        long t = BEGINNING + ONE_HOUR + 30 * ONE_MINUTE;
        List<ObjectNode> engagement = new ArrayList<>();
        engagement.add(engage("DELIVERED", "ann", requestOf, t));
        engagement.add(engage("OPENED", "ann", requestOf, t + ONE_MINUTE));
        engagement.add(engage("OPENED", "ann", requestOf, t + 2 * ONE_MINUTE)); // a second open of the same e-mail
        engagement.add(engage("CLICKED", "ann", requestOf, t + 3 * ONE_MINUTE));
        engagement.add(engage("DELIVERED", "ben", requestOf, t));
        engagement.add(engage("OPENED", "ben", requestOf, t + ONE_MINUTE).put("userAgent", "Mimecast Link Scanner"));
        engagement.add(engage("UNSUBSCRIBED", "ben", requestOf, t + 5 * ONE_MINUTE));
        engagement.add(engage("OPENED", "cat", requestOf, t + ONE_MINUTE));
        engagement.add(engage("COMPLAINED", "cat", requestOf, t + 4 * ONE_MINUTE));
        // ann buys an hour after her click (credited to the click), and again later (revenue only);
        // cat buys within the window after the send without clicking (credited to the send);
        // dan buys long after the window (not credited).
        events.add(Events.purchase("ann", "sku-ann", 50.0, t + ONE_HOUR));
        events.add(Events.purchase("ann", "sku-x", 20.0, t + ONE_HOUR + 30 * ONE_MINUTE));
        events.add(Events.purchase("cat", "sku-cat", 30.0, BEGINNING + 2 * ONE_HOUR + 45 * ONE_MINUTE));
        events.add(Events.purchase("dan", "sku-dan", 99.0, t + 4 * ONE_HOUR));

        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            for (String u : users) {
                UserProfile profile = new UserProfile(u, u + "@example.com", u, "en", "UTC", true, 1);
                p.send(new ProducerRecord<>(f.topic(MailflowOptions.TOPIC_PROFILES), bytes(u), Json.toBytes(profile)));
            }
            for (Event e : events) {
                p.send(new ProducerRecord<>(f.topic(MailflowOptions.TOPIC_EVENTS), bytes(e.userId()), Json.toBytes(e)));
            }
            for (ObjectNode e : engagement) {
                p.send(new ProducerRecord<>(
                        f.topic(MailflowOptions.TOPIC_ENGAGEMENT),
                        bytes(e.get("userId").asText()),
                        Json.toBytes(e)));
            }
            p.send(new ProducerRecord<>(
                    f.topic(MailflowOptions.TOPIC_ENGAGEMENT), null, bytes("{\"type\":\"OPENED\"}")));
        }
        run(config);

        assertThat(SMTP.getReceivedMessages()).hasSize(4);
        assertThat(f.read(MailflowOptions.TOPIC_SEND_RESULTS))
                .extracting(r -> r.get("requestId").asText())
                .containsExactlyInAnyOrderElementsOf(requestOf.values());

        // the request's variant reaches send results and statistics (the composer once wrote "default")
        assertThat(f.read(MailflowOptions.TOPIC_SEND_RESULTS))
                .extracting(r -> r.get("variant").asText())
                .containsOnly("A");
        Map<String, Double> totals = totals(f.read(MailflowOptions.TOPIC_CAMPAIGN_STATS), CAMPAIGN, "A");
        assertThat(totals)
                .containsEntry("sent", 4.0)
                .containsEntry("delivered", 2.0)
                .containsEntry("opens", 2.0) // ann once (opened twice) and cat; ben's open was a scanner's
                .containsEntry("machineOpens", 1.0)
                .containsEntry("clicks", 1.0)
                .containsEntry("conversions", 2.0) // ann (click) and cat (send); dan's purchase is outside the window
                .containsEntry("revenue", 100.0) // 50 + 20 (ann) + 30 (cat)
                .containsEntry("unsubscribes", 1.0)
                .containsEntry("complaints", 1.0)
                .containsEntry("failed", 0.0);

        assertThat(f.read(MailflowOptions.TOPIC_SUPPRESSIONS))
                .extracting(
                        s -> s.get("userId").asText() + ":" + s.get("reason").asText())
                .containsExactlyInAnyOrder("ben:UNSUBSCRIBED", "cat:COMPLAINED");
        assertThat(f.read(MailflowOptions.TOPIC_DEAD_LETTERS)).anySatisfy(d -> {
            assertThat(d.get("stage").asText()).isEqualTo("engagement");
            assertThat(d.get("reason").asText()).isEqualTo("missing field 'eventId'");
        });
        List<JsonNode> features = f.read(MailflowOptions.TOPIC_ENGAGEMENT_FEATURES);
        JsonNode ann = features.stream()
                .filter(x -> x.get("userId").asText().equals("ann"))
                .reduce((a, b) -> b)
                .orElseThrow();
        assertThat(ann.get("clicks").asDouble()).isGreaterThan(0.99);
        assertThat(ann.get("conversions").asDouble()).isGreaterThan(0.99);
        assertThat(features).anySatisfy(x -> {
            assertThat(x.get("userId").asText()).isEqualTo("ben");
            assertThat(x.get("unsubscribed").asBoolean()).isTrue();
        });

        // The report reads the same topics: the campaign, its funnel and the send results are in it.
        ReportData data = new ReportReader(config).read();
        assertThat(data.stats()).isNotEmpty();
        assertThat(data.results()).hasSize(4);
        Path report = Path.of("target", "report", "feedback-itcase.html");
        ReportMain.write(data, report);
        assertThat(Files.readString(report)).contains(CAMPAIGN, "Funnel per campaign");

        // The suppressions are read back: a new abandoned cart of ben's is blocked at the contact guardrail.
        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            Event again = Events.cart("ben", "sku-again", 5.0, t + 6 * ONE_HOUR);
            p.send(new ProducerRecord<>(f.topic(MailflowOptions.TOPIC_EVENTS), bytes("ben"), Json.toBytes(again)));
        }
        run(config);
        assertThat(SMTP.getReceivedMessages()).hasSize(4);
        assertThat(f.read(MailflowOptions.TOPIC_DEAD_LETTERS))
                .anySatisfy(
                        d -> assertThat(d.get("reason").asText()).isEqualTo("user ben is suppressed (UNSUBSCRIBED)"));
    }

    private static ObjectNode engage(String type, String user, Map<String, String> requestOf, long at) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("eventId", type + "-" + user + "-" + at);
        n.put("type", type);
        n.put("userId", user);
        n.put("campaignId", CAMPAIGN);
        n.put("requestId", requestOf.get(user));
        n.put("timestamp", at);
        return n;
    }

    /** Sums the counts of a campaign variant over all windows, keeping the last record of each window. */
    static Map<String, Double> totals(List<JsonNode> stats, String campaign, String variant) {
        Map<Long, JsonNode> lastPerWindow = new LinkedHashMap<>();
        for (JsonNode s : stats) {
            if (s.get("campaignId").asText().equals(campaign)
                    && s.get("variant").asText().equals(variant)) {
                lastPerWindow.put(s.get("windowStart").asLong(), s);
            }
        }
        Map<String, Double> totals = new LinkedHashMap<>();
        for (String k : List.of(
                "sent",
                "failed",
                "delivered",
                "opens",
                "machineOpens",
                "clicks",
                "conversions",
                "revenue",
                "unsubscribes",
                "complaints")) {
            totals.put(
                    k,
                    lastPerWindow.values().stream()
                            .mapToDouble(s -> s.get(k).asDouble())
                            .sum());
        }
        return totals;
    }

    private static void run(MailflowConfig config) throws Exception {
        StreamExecutionEnvironment env = FlinkTestEnv.env();
        MailflowJob.define(env, config);
        env.execute();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
