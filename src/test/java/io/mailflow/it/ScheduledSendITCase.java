package io.mailflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.mailflow.campaigns.RequestIds;
import io.mailflow.config.MailflowOptions;
import io.mailflow.io.Json;
import io.mailflow.job.MailflowJob;
import io.mailflow.model.UserProfile;
import io.mailflow.testing.Events;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.PipelineFixture;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A scheduled campaign end to end: defined on the control topic, sent by the production topology over Kafka to
 * GreenMail at 09:00 in each recipient's zone, with the job's real quiet hours. The history (fixed instants, a
 * bounded job that stops event time at its last event, 08:50:30Z on Monday 2026-03-02) has reached 09:00 in Tokyo
 * (00:00Z) and Berlin (08:00Z), not in New York (14:00Z): two e-mails, with the occurrence's request ids.
 */
class ScheduledSendITCase {
    static final long MONDAY_SIX = Instant.parse("2026-03-02T06:00:00Z").toEpochMilli();
    static final long LAST_EVENT = Instant.parse("2026-03-02T08:50:30Z").toEpochMilli();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void aNewsletterGoesOutAtNineInEachRecipientsZoneOnce() throws Exception {
        PipelineFixture f = PipelineFixture.create(
                KAFKA.broker(),
                "sched",
                SMTP.getSmtp().getPort(),
                "campaigns.file",
                "",
                "job.end-of-input",
                "last-event");
        List<String[]> users = List.of(
                new String[] {"tokyo-1", "Asia/Tokyo", "Aki"},
                new String[] {"berlin-1", "Europe/Berlin", "Bea"},
                new String[] {"ny-1", "America/New_York", "Cy"});
        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            String doc = "id: newsletter\n"
                    + "trigger: {type: scheduled, at: '2026-03-02T09:00', rampPerMinute: 100, sendWindow: 12h}\n"
                    + "variants: [{id: A, weight: 1, template: newsletter}]\n";
            p.send(record(f.config().get(MailflowOptions.TOPIC_CAMPAIGNS), "newsletter", bytes(doc)));
            for (String[] u : users) {
                p.send(record(
                        f.config().get(MailflowOptions.TOPIC_PROFILES),
                        u[0],
                        Json.toBytes(new UserProfile(u[0], u[0] + "@example.com", u[2], "en", u[1], true, 1))));
            }
            for (String[] u : users) {
                p.send(record(
                        f.config().get(MailflowOptions.TOPIC_EVENTS),
                        u[0],
                        Json.toBytes(Events.view(u[0], "sku-1", MONDAY_SIX))));
            }
            p.send(record(
                    f.config().get(MailflowOptions.TOPIC_EVENTS),
                    "ny-1",
                    Json.toBytes(Events.view("ny-1", "sku-2", LAST_EVENT))));
        }
        StreamExecutionEnvironment env = FlinkTestEnv.env();
        MailflowJob.define(env, f.config());
        env.execute("scheduled-send");

        List<String> to = new ArrayList<>();
        for (MimeMessage m : SMTP.getReceivedMessages()) {
            to.add(((jakarta.mail.internet.InternetAddress) m.getAllRecipients()[0]).getAddress());
            assertThat(m.getSubject()).startsWith("This week at Mailflow Shop");
        }
        assertThat(to).containsExactlyInAnyOrder("tokyo-1@example.com", "berlin-1@example.com");
        List<JsonNode> results = f.read(MailflowOptions.TOPIC_SEND_RESULTS);
        assertThat(results)
                .extracting(r -> r.get("requestId").asText())
                .containsExactlyInAnyOrder(
                        RequestIds.of("newsletter", "tokyo-1", "scheduled:2026-03-02T09:00"),
                        RequestIds.of("newsletter", "berlin-1", "scheduled:2026-03-02T09:00"));
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, bytes(key), value);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
