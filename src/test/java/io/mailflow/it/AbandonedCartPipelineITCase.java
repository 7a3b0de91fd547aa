package io.mailflow.it;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_HOUR;
import static io.mailflow.testing.Events.ONE_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The production topology end to end at parallelism 2: real events in a real KRaft broker, a real
 * Flink MiniCluster, real SMTP delivery into GreenMail, results and dead letters back in Kafka.
 */
class AbandonedCartPipelineITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void abandonedCartsBecomeEmailsAndBadRecordsBecomeDeadLetters() throws Exception {
        PipelineFixture fixture = PipelineFixture.create(
                KAFKA.broker(), "it1", SMTP.getSmtp().getPort(), "session.gap", "30min", "abandoned-cart.delay", "1h");
        MailflowConfig config = fixture.config();

        List<UserProfile> profiles = List.of(
                new UserProfile("alice", "alice@example.com", "Alice", "en", "Europe/Berlin", true, 1),
                new UserProfile("bob", "bob@example.com", "Bob", "en", "America/New_York", true, 1),
                new UserProfile("chen", "chen@example.org", "陈小明", "zh-CN", "Asia/Shanghai", true, 1),
                new UserProfile("dana", "dana@example.net", "Dana", "en", "UTC", true, 1),
                new UserProfile("erin", "erin@example.com", "Erin", "en", "UTC", false, 1));
        long t = BEGINNING;
        List<Event> events = new ArrayList<>();
        // alice: carts two items and leaves -> e-mail
        events.add(Events.view("alice", "sku-1", t));
        events.add(Events.cart("alice", "sku-1", 19.99, t + ONE_MINUTE));
        events.add(Events.cart("alice", "sku-2", 5.00, t + 2 * ONE_MINUTE));
        // bob: carts and buys in the same session -> nothing
        events.add(Events.cart("bob", "sku-3", 7.50, t));
        events.add(Events.purchase("bob", "sku-3", 7.50, t + ONE_MINUTE));
        // chen: carts and leaves; zh-CN template -> e-mail with a Chinese subject
        events.add(Events.cart("chen", "sku-4", 88.00, t + 5 * ONE_MINUTE));
        // dana: carts, leaves, buys 40 minutes later (within the 1 h delay) -> cancelled
        events.add(Events.cart("dana", "sku-5", 12.00, t));
        events.add(Events.purchase("dana", "sku-5", 12.00, t + 40 * ONE_MINUTE));
        // erin: no consent; frank: no profile -> dead letters, no e-mail
        events.add(Events.cart("erin", "sku-6", 1.00, t));
        events.add(Events.cart("frank", "sku-7", 2.00, t));
        // later traffic from someone else advances event time past every delay
        events.add(Events.view("zoe", "sku-9", t + 3 * ONE_HOUR));

        List<String> malformed = List.of(
                "this is not json",
                "{\"eventId\":\"m1\",\"type\":\"VIEW\",\"itemId\":\"x\",\"timestamp\":" + t + "}",
                "{\"eventId\":\"m2\",\"userId\":\"u\",\"type\":\"ADD_TO_CART\",\"itemId\":\"x\",\"price\":-3,\"timestamp\":"
                        + t + "}",
                "{\"eventId\":\"m3\",\"userId\":\"u\",\"type\":\"TELEPORT\",\"timestamp\":" + t + "}",
                "{\"eventId\":\"m4\",\"userId\":\"u\",\"type\":\"VIEW\",\"itemId\":\"x\",\"timestamp\":"
                        + (System.currentTimeMillis() + 400L * 24 * ONE_HOUR) + "}");

        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            for (UserProfile profile : profiles) {
                p.send(new ProducerRecord<>(
                        config.get(MailflowOptions.TOPIC_PROFILES), bytes(profile.userId()), Json.toBytes(profile)));
            }
            for (Event e : events) {
                p.send(new ProducerRecord<>(
                        config.get(MailflowOptions.TOPIC_EVENTS), bytes(e.userId()), Json.toBytes(e)));
            }
            // the same event twice: dropped as a duplicate, so alice still gets exactly one e-mail
            p.send(new ProducerRecord<>(
                    config.get(MailflowOptions.TOPIC_EVENTS), bytes("alice"), Json.toBytes(events.get(1))));
            for (String m : malformed) {
                p.send(new ProducerRecord<>(config.get(MailflowOptions.TOPIC_EVENTS), null, bytes(m)));
            }
        }

        StreamExecutionEnvironment env = FlinkTestEnv.env();
        MailflowJob.define(env, config);
        env.execute("abandoned-cart-it");

        assertThat(SMTP.waitForIncomingEmail(30_000, 2)).isTrue();
        MimeMessage[] received = SMTP.getReceivedMessages();
        Map<String, MimeMessage> byRecipient = new java.util.HashMap<>();
        for (MimeMessage m : received) {
            byRecipient.put(((InternetAddress) m.getAllRecipients()[0]).getAddress(), m);
        }
        assertThat(byRecipient.keySet()).containsExactlyInAnyOrder("alice@example.com", "chen@example.org");
        assertThat(received).hasSize(2);

        MimeMessage alice = byRecipient.get("alice@example.com");
        assertThat(alice.getSubject()).isEqualTo("Alice, you left 2 items in your cart");
        String aliceBody = GreenMailUtil.getBody(alice);
        assertThat(aliceBody).contains("sku-1").contains("sku-2").contains("24.99");
        assertThat(alice.getContentType()).startsWith("multipart/");
        assertThat(alice.getMessageID()).matches("<[0-9a-f]{32}@mailflow\\.local>");

        MimeMessage chen = byRecipient.get("chen@example.org");
        assertThat(chen.getSubject()).isEqualTo("陈小明，您的购物车里还有 1 件商品");
        assertThat(chen.getHeader("Subject")[0]).startsWith("=?UTF-8?");
        assertThat(GreenMailUtil.getBody(chen)).contains("sku-4");

        List<JsonNode> results = fixture.read(MailflowOptions.TOPIC_SEND_RESULTS);
        assertThat(results)
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("SENT"));
        assertThat(results.stream().map(r -> r.get("userId").asText())).containsExactlyInAnyOrder("alice", "chen");

        List<JsonNode> sessions = fixture.read(MailflowOptions.TOPIC_SESSIONS);
        Map<String, Long> sessionsPerUser = sessions.stream()
                .collect(Collectors.groupingBy(s -> s.get("userId").asText(), Collectors.counting()));
        assertThat(sessionsPerUser)
                .containsEntry("alice", 1L)
                .containsEntry("dana", 2L)
                .containsEntry("zoe", 1L);
        JsonNode aliceSession = sessions.stream()
                .filter(s -> s.get("userId").asText().equals("alice"))
                .findFirst()
                .orElseThrow();
        assertThat(aliceSession.get("addToCarts").asInt()).isEqualTo(2);
        assertThat(aliceSession.get("views").asInt()).isEqualTo(1);

        List<JsonNode> dead = fixture.read(MailflowOptions.TOPIC_DEAD_LETTERS);
        List<String> reasons = dead.stream()
                .map(d -> d.get("stage").asText() + ": " + d.get("reason").asText())
                .toList();
        assertThat(reasons)
                .anySatisfy(r -> assertThat(r).startsWith("ingest: malformed JSON"))
                .anySatisfy(r -> assertThat(r).isEqualTo("ingest: missing field 'userId'"))
                .anySatisfy(r -> assertThat(r).contains("'price' must be a finite number >= 0"))
                .anySatisfy(r -> assertThat(r).isEqualTo("ingest: unknown event type 'TELEPORT'"))
                .anySatisfy(r -> assertThat(r).contains("in the future"))
                .anySatisfy(r -> assertThat(r).isEqualTo("profile: no profile for user frank"))
                .anySatisfy(r -> assertThat(r).isEqualTo("profile: user erin has not consented to e-mail"));
        assertThat(dead).hasSize(7);
        JsonNode notJson = dead.stream()
                .filter(d -> d.get("payload").asText().equals("this is not json"))
                .findFirst()
                .orElseThrow();
        assertThat(notJson.get("topic").asText()).isEqualTo(config.get(MailflowOptions.TOPIC_EVENTS));
        assertThat(notJson.get("offset").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(String.join("\n", reasons)).doesNotContain("@example");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
