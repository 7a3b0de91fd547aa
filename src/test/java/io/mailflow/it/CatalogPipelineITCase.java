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
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The production topology with a catalog (topic.catalog set), end to end at parallelism 2 over a real broker and
 * SMTP: e-mails show the catalog's titles, images and locale-formatted prices, an out-of-stock cart item leaves
 * the e-mail, a cart of unknown items is not sent (dead letter, stage catalog) and so is a bad catalog record.
 */
class CatalogPipelineITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void emailsShowTheCatalogAndUnsellableCartsAreNotSent() throws Exception {
        PipelineFixture fixture = PipelineFixture.create(
                KAFKA.broker(),
                "cat1",
                SMTP.getSmtp().getPort(),
                "session.gap",
                "30min",
                "abandoned-cart.delay",
                "1h",
                "topic.catalog",
                "cat1.catalog");
        MailflowConfig config = fixture.config();
        List<UserProfile> profiles = List.of(
                new UserProfile("alice", "alice@example.com", "Alice", "en-US", "UTC", true, 1),
                new UserProfile("chen", "chen@example.org", "陈小明", "zh-CN", "Asia/Shanghai", true, 1),
                new UserProfile("dana", "dana@example.net", "Dana", "en", "UTC", true, 1));
        List<String> catalog = List.of(
                "{\"itemId\":\"sku-1\",\"title\":\"Trail shoes\",\"imageUrl\":\"https://img.example.com/1.jpg\","
                        + "\"url\":\"https://shop.example.com/p/1\",\"price\":19.99,\"currency\":\"USD\",\"stock\":4,"
                        + "\"brand\":\"Acme\",\"categoryPath\":\"sports.running\"}",
                "{\"itemId\":\"sku-2\",\"title\":\"Sold-out socks\",\"price\":5,\"currency\":\"USD\",\"stock\":0}",
                "{\"itemId\":\"sku-4\",\"title\":\"Headphones\",\"titles\":{\"zh-CN\":\"无线耳机\"},"
                        + "\"imageUrl\":\"https://img.example.com/4.jpg\",\"price\":1299,\"listPrice\":1499,"
                        + "\"currency\":\"CNY\",\"brand\":\"Acme\"}",
                "{\"itemId\":\"sku-bad\",\"title\":\"x\",\"url\":\"javascript:alert(1)\"}");
        long t = BEGINNING;
        List<Event> events = new ArrayList<>();
        events.add(Events.cart("alice", "sku-1", 19.99, t));
        events.add(Events.cart("alice", "sku-2", 5.00, t + ONE_MINUTE));
        events.add(Events.cart("chen", "sku-4", 1299.00, t + 5 * ONE_MINUTE));
        events.add(Events.cart("dana", "sku-unknown", 3.00, t));
        events.add(Events.view("zoe", "sku-9", t + 3 * ONE_HOUR));

        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            for (UserProfile profile : profiles) {
                p.send(new ProducerRecord<>(
                        config.get(MailflowOptions.TOPIC_PROFILES), bytes(profile.userId()), Json.toBytes(profile)));
            }
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
        env.execute("catalog-it");

        assertThat(SMTP.waitForIncomingEmail(30_000, 2)).isTrue();
        Map<String, MimeMessage> byRecipient = new HashMap<>();
        for (MimeMessage m : SMTP.getReceivedMessages()) {
            byRecipient.put(((InternetAddress) m.getAllRecipients()[0]).getAddress(), m);
        }
        assertThat(byRecipient.keySet()).containsExactlyInAnyOrder("alice@example.com", "chen@example.org");

        MimeMessage alice = byRecipient.get("alice@example.com");
        assertThat(alice.getSubject()).isEqualTo("Alice, you left 1 item in your cart");
        String aliceText = text(alice);
        assertThat(aliceText)
                .contains("Trail shoes")
                .contains("$19.99")
                .contains("https://img.example.com/1.jpg")
                .contains("alt=\"Trail shoes\"")
                .doesNotContain("Sold-out socks");

        String chenText = text(chen(byRecipient));
        assertThat(chenText).contains("无线耳机").contains("¥1,299.00").contains("¥1,499.00");

        List<String> reasons = fixture.read(MailflowOptions.TOPIC_DEAD_LETTERS).stream()
                .map(d -> d.get("stage").asText() + ": " + d.get("reason").asText())
                .toList();
        assertThat(reasons)
                .anySatisfy(r -> assertThat(r).startsWith("catalog: none of the request's 1 items is purchasable"))
                .anySatisfy(r ->
                        assertThat(r).isEqualTo("catalog: field 'url' must be an http or https URL without spaces"))
                .hasSize(2);
        List<JsonNode> results = fixture.read(MailflowOptions.TOPIC_SEND_RESULTS);
        assertThat(results).hasSize(2);
    }

    private static MimeMessage chen(Map<String, MimeMessage> byRecipient) {
        return byRecipient.get("chen@example.org");
    }

    /** Every text part of a message, decoded (HTML and plain text). */
    static String text(Part part) throws Exception {
        Object content = part.getContent();
        if (content instanceof Multipart mp) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart b = mp.getBodyPart(i);
                sb.append(text(b)).append('\n');
            }
            return sb.toString();
        }
        return content instanceof String s ? s : "";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
