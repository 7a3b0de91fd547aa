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
import io.mailflow.tools.backfill.Backfill;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backfill, then the live job from its savepoint. History in Kafka (profiles and carts of three shoppers, a day
 * of it) is replayed by {@link Backfill} through the production topology in dry-run on a KRaft broker and a
 * MiniCluster: nothing reaches the SMTP server, and the backfill stops with a savepoint once its sources committed
 * every offset that existed when it began. The live job, configured to start at the latest offsets when it has
 * no state, starts from that savepoint and e-mails a returning shopper whose profile only the history holds, from
 * an event published before it started: the profile join's state and the source offsets came from the backfill.
 * The historic carts are never e-mailed (decided in dry-run by the backfill, or dropped as stale by the live job
 * when their timers were still pending in the savepoint). Wall clocks are injected and fixed.
 */
class BackfillITCase {
    private static final long DAY = 24 * ONE_HOUR;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @TempDir
    Path dir;

    @Test
    void aBackfillSendsNothingAndTheLiveJobStartsFromItsState() throws Exception {
        PipelineFixture fixture = PipelineFixture.create(
                KAFKA.broker(),
                "bf",
                SMTP.getSmtp().getPort(),
                "job.bounded",
                "false",
                // without state, the live job would not read the history at all
                "kafka.start-from",
                "latest",
                "campaigns.file",
                "classpath:campaigns/stale-guard.yaml",
                "ingest.idleness",
                "1s",
                "guardrails.quiet-hours-start",
                "0ms",
                "guardrails.quiet-hours-end",
                "0ms");
        MailflowConfig live = fixture.config();

        // history: a returning shopper's profile, an old abandoned cart, one abandoned two hours before the end of
        // the history, and two browsing shoppers (one per partition of the events topic) at its end
        long end = BEGINNING + DAY;
        publishProfiles(live, List.of("returning", "old", "recent", "browser-0", "browser-1"));
        publishEvents(
                live,
                List.of(
                        Events.view("returning", "sku-0", BEGINNING),
                        Events.cart("old", "sku-1", 10.0, BEGINNING),
                        Events.cart("recent", "sku-2", 10.0, end - 2 * ONE_HOUR),
                        Events.view("browser-0", "sku-3", end),
                        Events.view("browser-1", "sku-3", end)));
        // (browser-0 and browser-1 land on the two partitions of the events topic: EventTimeDriver)

        MailflowConfig backfill = Backfill.backfillConfig(live, "earliest");
        assertThat(backfill.get(MailflowOptions.DRY_RUN)).isTrue();
        assertThat(backfill.get(MailflowOptions.KAFKA_GROUP_ID)).isEqualTo("bf-backfill");
        List<String> log = new ArrayList<>();
        Backfill.Result result = Backfill.run(
                FlinkTestEnv.env(),
                backfill,
                env -> start(env, backfill, end),
                dir.resolve("backfill").toUri().toString(),
                Duration.ofSeconds(1),
                Duration.ofMinutes(3),
                log::add);

        assertThat(Path.of(java.net.URI.create(result.savepoint())).resolve("_metadata"))
                .as("the backfill's savepoint")
                .exists();
        assertThat(result.records())
                .as("the input records that existed when the backfill began: five profiles, five events")
                .isEqualTo(10);
        assertThat(log).anyMatch(l -> l.startsWith("backfill: caught up"));
        assertThat(SMTP.getReceivedMessages()).as("a backfill sends nothing").isEmpty();
        assertThat(fixture.read(MailflowOptions.TOPIC_SEND_RESULTS)).isEmpty();
        List<JsonNode> backfillDecisions = decisions(fixture);
        assertThat(backfillDecisions)
                .as("every decision the backfill took is a dry run")
                .allMatch(d -> d.path("dryRun").asBoolean());
        assertThat(backfillDecisions)
                .extracting(d -> d.path("userId").asText())
                .doesNotHaveDuplicates()
                .isSubsetOf("old", "recent");

        // live: the returning shopper carts again (published before the live job starts, whose sources would
        // otherwise begin after it); a day later by the live job's clock, so the history's carts are stale
        long now = end + DAY;
        publishEvents(
                live,
                List.of(
                        Events.cart("returning", "sku-9", 25.0, now - 2 * ONE_HOUR),
                        Events.view("browser-0", "sku-3", now),
                        Events.view("browser-1", "sku-3", now)));
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(StateRecoveryOptions.SAVEPOINT_PATH, result.savepoint());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(FlinkTestEnv.PARALLELISM);
        JobClient job = start(env, live, now);
        EventTimeDriver time = new EventTimeDriver(KAFKA.broker(), fixture, now);
        try {
            assertThat(time.awaitDecision("returning").path("outcome").asText()).isEqualTo("RELEASED");
            assertThat(SMTP.waitForIncomingEmail(60_000, 1))
                    .as("the returning shopper's e-mail")
                    .isTrue();
            for (String historic : List.of("old", "recent")) {
                assertThat(time.awaitDecision(historic).path("outcome").asText())
                        .as(historic + ": decided once, by the backfill in dry-run or dropped as stale")
                        .isIn("RELEASED", "DROPPED");
            }
        } finally {
            job.cancel().get();
        }
        MimeMessage[] received = SMTP.getReceivedMessages();
        assertThat(received).hasSize(1);
        assertThat(((InternetAddress) received[0].getAllRecipients()[0]).getAddress())
                .as("the address came from the profile state the backfill built")
                .isEqualTo("returning@example.com");
        Map<String, List<String>> byUser = decisions(fixture).stream()
                .collect(Collectors.groupingBy(
                        d -> d.path("userId").asText(),
                        Collectors.mapping(
                                d -> d.path("outcome").asText()
                                        + (d.path("dryRun").asBoolean() ? " dry-run" : ""),
                                Collectors.toList())));
        assertThat(byUser.get("returning")).containsExactly("RELEASED");
        for (String historic : List.of("old", "recent")) {
            assertThat(byUser.get(historic))
                    .as(historic + " is decided exactly once and never e-mailed")
                    .hasSize(1)
                    .allMatch(o -> o.endsWith("dry-run") || o.startsWith("DROPPED"));
        }
    }

    private static JobClient start(StreamExecutionEnvironment env, MailflowConfig config, long now) throws Exception {
        PipelineSettings settings = PipelineSettings.from(config);
        settings = settings.withGuardrails(settings.guardrails().withClock(WallClock.fixed(now)));
        MailflowTopology.build(
                env,
                settings,
                MailflowJob.kafkaSources(config),
                MailflowJob.kafkaSinks(config),
                MailflowJob.delivery(config));
        return env.executeAsync("backfill-it");
    }

    private static List<JsonNode> decisions(PipelineFixture fixture) throws Exception {
        return new ArrayList<>(fixture.read(MailflowOptions.TOPIC_CAMPAIGN_EVENTS));
    }

    private static void publishProfiles(MailflowConfig config, List<String> users) {
        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            for (String user : users) {
                UserProfile profile = new UserProfile(user, user + "@example.com", user, "en", "UTC", true, 1);
                p.send(new ProducerRecord<>(
                        config.get(MailflowOptions.TOPIC_PROFILES), key(user), Json.toBytes(profile)));
            }
        }
    }

    private static void publishEvents(MailflowConfig config, List<Event> events) {
        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            for (Event e : events) {
                p.send(new ProducerRecord<>(
                        config.get(MailflowOptions.TOPIC_EVENTS), key(e.userId()), Json.toBytes(e)));
            }
        }
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
