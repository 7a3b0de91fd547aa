package io.mailflow.it;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_HOUR;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.guardrails.WallClock;
import io.mailflow.io.Json;
import io.mailflow.job.MailflowJob;
import io.mailflow.job.MailflowTopology;
import io.mailflow.job.PipelineSettings;
import io.mailflow.model.Event;
import io.mailflow.model.UserProfile;
import io.mailflow.testing.EventTimeDriver;
import io.mailflow.testing.Events;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.PipelineFixture;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The stale-trigger guard: a live (unbounded) job started on a day-old backlog sends nothing stale and
 * something fresh. The wall clock is injected, fixed a day after the backlog began.
 */
class StaleTriggerITCase {
    private static final long DAY = 24 * ONE_HOUR;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void aJobStartedOnADayOldBacklogSendsNothingStaleAndSomethingFresh() throws Exception {
        PipelineFixture fixture = PipelineFixture.create(
                KAFKA.broker(),
                "stale",
                SMTP.getSmtp().getPort(),
                "job.bounded",
                "false",
                "campaigns.file",
                "classpath:campaigns/stale-guard.yaml",
                "ingest.idleness",
                "1s",
                "guardrails.quiet-hours-start",
                "0ms",
                "guardrails.quiet-hours-end",
                "0ms");
        MailflowConfig config = fixture.config();
        // the backlog: a cart abandoned a day ago, one abandoned half an hour before "now", and a shopper browsing
        // at "now" (which carries event time past the fresh cart's one-hour delay)
        long now = BEGINNING + DAY + 2 * ONE_HOUR;
        publish(
                config,
                List.of(
                        Events.cart("old", "sku-1", 10.0, BEGINNING),
                        Events.cart("fresh", "sku-2", 10.0, BEGINNING + DAY),
                        // one on each partition of the events topic: neither holds event time back
                        Events.view("browser-0", "sku-3", now),
                        Events.view("browser-1", "sku-3", now)));

        PipelineSettings settings = PipelineSettings.from(config);
        settings = settings.withGuardrails(settings.guardrails().withClock(WallClock.fixed(now)));
        StreamExecutionEnvironment env = FlinkTestEnv.env();
        MailflowTopology.build(
                env,
                settings,
                MailflowJob.kafkaSources(config),
                MailflowJob.kafkaSinks(config),
                MailflowJob.delivery(config));
        JobClient job = env.executeAsync("stale-trigger-it");
        EventTimeDriver time = new EventTimeDriver(KAFKA.broker(), fixture, now);
        try {
            assertThat(time.awaitDecision("fresh").path("outcome").asText()).isEqualTo("RELEASED");
            assertThat(SMTP.waitForIncomingEmail(60_000, 1))
                    .as("the fresh cart's e-mail")
                    .isTrue();
            JsonNode stale = time.awaitDecision("old");
            assertThat(stale.path("outcome").asText()).isEqualTo("DROPPED");
            assertThat(stale.path("reason").asText()).isEqualTo("stale trigger (older than maxAge 1h)");
        } finally {
            job.cancel().get();
        }
        MimeMessage[] received = SMTP.getReceivedMessages();
        assertThat(received).hasSize(1);
        assertThat(((InternetAddress) received[0].getAllRecipients()[0]).getAddress())
                .isEqualTo("fresh@example.com");
        assertThat(decisions(fixture))
                .extracting(
                        d -> d.path("userId").asText() + " " + d.path("outcome").asText())
                .containsExactlyInAnyOrder("old DROPPED", "fresh RELEASED");
    }

    private static List<JsonNode> decisions(PipelineFixture fixture) throws Exception {
        return new ArrayList<>(fixture.read(MailflowOptions.TOPIC_CAMPAIGN_EVENTS));
    }

    private static void publish(MailflowConfig config, List<Event> events) {
        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            for (Event e : events) {
                UserProfile profile =
                        new UserProfile(e.userId(), e.userId() + "@example.com", e.userId(), "en", "UTC", true, 1);
                p.send(new ProducerRecord<>(
                        config.get(MailflowOptions.TOPIC_PROFILES), key(e.userId()), Json.toBytes(profile)));
                p.send(new ProducerRecord<>(
                        config.get(MailflowOptions.TOPIC_EVENTS), key(e.userId()), Json.toBytes(e)));
            }
        }
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
