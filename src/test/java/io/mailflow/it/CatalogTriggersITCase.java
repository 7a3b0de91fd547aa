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
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.PipelineFixture;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog-driven triggers end to end, production topology at parallelism 2 over a real broker and SMTP: an
 * item out of stock that a user viewed comes back in stock, an item a user carted gets 23 % cheaper, and both
 * users get their e-mail with the catalog's title, image and locale-formatted prices (was/now for the drop). The
 * price-drop campaign of {@code campaigns.file} wants 50 %; a version 2 published on the control topic wants
 * 20 %, so the drop e-mail proves the change was applied. A user who saw the item in stock gets nothing.
 *
 * <p>All times are fixed: the catalog changes at 13:00 UTC, when neither recipient (UTC, Europe/Berlin) is in
 * quiet hours.
 */
class CatalogTriggersITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @TempDir
    Path dir;

    static final long CHANGE = BEGINNING + ONE_HOUR;

    @Test
    void backInStockAndPriceDropEmailsReachTheWatchers() throws Exception {
        Path campaigns = Files.writeString(dir.resolve("catalog-campaigns.yaml"), """
                campaigns:
                  - {id: back-in-stock, trigger: {type: back-in-stock, dedup: 7d}, variants: [{id: A, template: back-in-stock}]}
                  - {id: price-drop, version: 1, trigger: {type: price-drop, minDropShare: 0.5}, variants: [{id: A, template: price-drop}]}
                """);
        PipelineFixture fixture = PipelineFixture.create(
                KAFKA.broker(),
                "cattrig",
                SMTP.getSmtp().getPort(),
                "session.gap",
                "30min",
                "topic.catalog",
                "cattrig.catalog",
                "campaigns.file",
                campaigns.toString());
        MailflowConfig config = fixture.config();
        List<UserProfile> profiles = List.of(
                new UserProfile("alice", "alice@example.com", "Alice", "en-US", "UTC", true, 1),
                new UserProfile("chen", "chen@example.org", "陈小明", "zh-CN", "Europe/Berlin", true, 1),
                new UserProfile("dana", "dana@example.net", "Dana", "en", "UTC", true, 1));
        String before = Instant.ofEpochMilli(BEGINNING - 24 * ONE_HOUR).toString();
        String after = Instant.ofEpochMilli(CHANGE).toString();
        List<String> catalog = List.of(
                item("sku-1", "Trail shoes", "OUT_OF_STOCK", 59.0, "USD", before),
                item("sku-2", "Headphones", "IN_STOCK", 1299.0, "CNY", before),
                item("sku-3", "Water bottle", "IN_STOCK", 9.0, "USD", before),
                item("sku-1", "Trail shoes", "IN_STOCK", 59.0, "USD", after),
                item("sku-2", "Headphones", "IN_STOCK", 999.0, "CNY", after),
                item("sku-3", "Water bottle", "IN_STOCK", 4.0, "USD", after));
        List<Event> events = List.of(
                Events.view("alice", "sku-1", BEGINNING),
                Events.cart("chen", "sku-2", 1299.0, BEGINNING + 5 * ONE_MINUTE),
                // after the restock: nothing to tell. Nothing in this run moves event time past the change (the
                // watermark lags the newest event by ingest.max-out-of-orderness, 5 s), so the catalog change is
                // applied when the bounded input ends: after the campaigns source has delivered everything, so the
                // runtime definition below is in force whatever the load. With a later event moving event time past
                // the change, the change would race the control topic (definitions apply on arrival).
                Events.view("dana", "sku-1", CHANGE + 1_000));

        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            for (UserProfile profile : profiles) {
                p.send(new ProducerRecord<>(
                        config.get(MailflowOptions.TOPIC_PROFILES), bytes(profile.userId()), Json.toBytes(profile)));
            }
            // the change at runtime: version 2 of the price-drop campaign on the control topic
            p.send(new ProducerRecord<>(
                    config.get(MailflowOptions.TOPIC_CAMPAIGNS),
                    bytes("price-drop"),
                    bytes("{\"id\":\"price-drop\",\"version\":2,\"trigger\":{\"type\":\"price-drop\","
                            + "\"minDropShare\":0.2},\"variants\":[{\"id\":\"A\",\"template\":\"price-drop\"}]}")));
            for (String item : catalog) {
                String id = Json.mapper().readTree(item).get("itemId").asText();
                p.send(new ProducerRecord<>(config.get(MailflowOptions.TOPIC_CATALOG), bytes(id), bytes(item)));
            }
            for (Event e : events) {
                p.send(new ProducerRecord<>(
                        config.get(MailflowOptions.TOPIC_EVENTS), bytes(e.userId()), Json.toBytes(e)));
            }
        }

        StreamExecutionEnvironment env = FlinkTestEnv.env();
        MailflowJob.define(env, config);
        env.execute("catalog-triggers-it");

        Map<String, MimeMessage> byRecipient = new HashMap<>();
        for (MimeMessage m : SMTP.getReceivedMessages()) {
            byRecipient.put(((InternetAddress) m.getAllRecipients()[0]).getAddress(), m);
        }
        assertThat(byRecipient.keySet())
                .as(
                        "dead letters %s, decisions %s, status %s",
                        fixture.read(MailflowOptions.TOPIC_DEAD_LETTERS),
                        fixture.read(MailflowOptions.TOPIC_CAMPAIGN_EVENTS),
                        fixture.read(MailflowOptions.TOPIC_CAMPAIGN_STATUS))
                .containsExactlyInAnyOrder("alice@example.com", "chen@example.org");

        MimeMessage alice = byRecipient.get("alice@example.com");
        assertThat(alice.getSubject()).isEqualTo("Alice, Trail shoes is back in stock");
        assertThat(CatalogPipelineITCase.text(alice))
                .contains("https://img.example.com/sku-1.jpg")
                .contains("alt=\"Trail shoes\"")
                .contains("$59.00");

        MimeMessage chen = byRecipient.get("chen@example.org");
        assertThat(chen.getSubject()).isEqualTo("陈小明，您关注的 无线耳机 降价了：¥999.00");
        assertThat(CatalogPipelineITCase.text(chen))
                .contains("https://img.example.com/sku-2.jpg")
                .contains("原价 <span style=\"text-decoration: line-through;\">¥1,299.00</span>")
                .contains("原价 ¥1,299.00，现价 ¥999.00");

        List<JsonNode> decisions = fixture.read(MailflowOptions.TOPIC_CAMPAIGN_EVENTS);
        assertThat(decisions)
                .extracting(d ->
                        d.get("campaignId").asText() + ":" + d.get("outcome").asText())
                .containsExactlyInAnyOrder("back-in-stock:RELEASED", "price-drop:RELEASED");
    }

    private static String item(String id, String title, String availability, double price, String cur, String at) {
        String zh = id.equals("sku-2") ? ",\"titles\":{\"zh-CN\":\"无线耳机\"}" : "";
        return "{\"itemId\":\"" + id + "\",\"title\":\"" + title + "\"" + zh
                + ",\"imageUrl\":\"https://img.example.com/"
                + id + ".jpg\",\"url\":\"https://shop.example.com/p/" + id + "\",\"price\":" + price
                + ",\"currency\":\"" + cur + "\",\"availability\":\"" + availability + "\",\"brand\":\"Acme\","
                + "\"updatedAt\":\"" + at + "\"}";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
