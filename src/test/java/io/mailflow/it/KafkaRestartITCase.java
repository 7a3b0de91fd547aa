package io.mailflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.mailflow.config.MailflowOptions;
import io.mailflow.job.MailflowJob;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.LiveShoppers;
import io.mailflow.testing.PipelineFixture;
import io.mailflow.testing.PrometheusScraper;
import io.mailflow.testing.ReliabilityReport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kafka broker restarts while events are being ingested and e-mails sent. Shoppers abandon carts at
 * a steady pace (live event time) for 60 s; 20 s in, the only broker shuts down for 15 s and starts
 * again on the same port with its data. Sources, sinks and the send ledger must reconnect (or the job
 * restart from its checkpoint), and the outcome must be what it would be without the restart, known
 * independently from the traffic itself: one session per shopper holding the one carted item, one
 * abandoned-cart e-mail per shopper, exactly once, no late events, no dead letters.
 *
 * <p>Tagged {@code reliability}: not part of {@code mvn verify}; {@code .ci/run} runs it afterwards.
 */
@Tag("reliability")
class KafkaRestartITCase {
    private static final int USERS = 300;
    private static final Duration LOAD = Duration.ofSeconds(60);
    private static final Duration STOP_AT = Duration.ofSeconds(20);
    private static final Duration DOWN = Duration.ofSeconds(15);
    private static final int PROM_PORT = freePort();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(FlinkTestEnv.PARALLELISM)
            .setConfiguration(PrometheusScraper.reporter(PROM_PORT))
            .build());

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void aBrokerRestartDuringIngestionChangesNothingInTheOutcome() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        PipelineFixture f = PipelineFixture.create(
                KAFKA.broker(),
                "broker-restart",
                smtp.getSmtp().getPort(),
                "job.bounded",
                "false",
                "session.gap",
                "2s",
                "abandoned-cart.delay",
                "3s",
                "profiles.grace",
                "1s",
                "ingest.max-out-of-orderness",
                "1s",
                // live wall-clock event time: no quiet hours, so that the outcome does not depend on the time of day
                "guardrails.quiet-hours-start",
                "0ms",
                "guardrails.quiet-hours-end",
                "0ms");
        StreamExecutionEnvironment env = FlinkTestEnv.env();
        Configuration conf = new Configuration(); // as flink-conf/config.yaml, with checkpoints every 2 s
        conf.setString("execution.checkpointing.interval", "2s");
        conf.setString("restart-strategy.type", "exponential-delay");
        conf.setString("restart-strategy.exponential-delay.initial-backoff", "1s");
        conf.setString("restart-strategy.exponential-delay.max-backoff", "1min");
        env.configure(conf);

        JobClient job = MailflowJob.start(env, f.config());
        PrometheusScraper prometheus = new PrometheusScraper(PROM_PORT);
        long t0 = System.currentTimeMillis();
        try (LiveShoppers shoppers = new LiveShoppers(f.config(), "kr", USERS, LOAD).start()) {
            sleepUntil(t0, STOP_AT);
            int mailsBefore = smtp.getReceivedMessages().length;
            long stopped = System.currentTimeMillis();
            KAFKA.broker().stopBroker();
            long stopTook = System.currentTimeMillis() - stopped;
            int cartedBefore = shoppers.cartedAt().size();
            sleepUntil(t0, STOP_AT.plus(DOWN));
            int mailsWhileDown = smtp.getReceivedMessages().length - mailsBefore;
            long restarted = System.currentTimeMillis();
            KAFKA.broker().startBroker();
            long startTook = System.currentTimeMillis() - restarted;
            long firstMailAfter = -1;
            int mailsAtRestart = smtp.getReceivedMessages().length;
            long deadline = System.currentTimeMillis() + 150_000;
            while (System.currentTimeMillis() < deadline
                    && !(shoppers.allCarted() && smtp.getReceivedMessages().length >= USERS)) {
                if (firstMailAfter < 0 && smtp.getReceivedMessages().length > mailsAtRestart) {
                    firstMailAfter = System.currentTimeMillis() - restarted;
                }
                Thread.sleep(200);
            }
            Thread.sleep(5000); // a duplicate would arrive now
            PrometheusScraper.Scrape metrics = prometheus.scrape();
            assertThat(shoppers.error())
                    .as("the load generator's producer (idempotent, retrying)")
                    .isNull();

            // The expected outcome follows from the traffic alone: each shopper carted one item once.
            Set<String> shopperIds = shoppers.cartedAt().keySet();
            MimeMessage[] mails = smtp.getReceivedMessages();
            Map<String, Long> copies = Arrays.stream(mails)
                    .collect(Collectors.groupingBy(DeliveryITCase::messageId, Collectors.counting()));
            assertThat(Arrays.stream(mails).map(KafkaRestartITCase::recipient).distinct())
                    .as("one e-mail per shopper")
                    .containsExactlyInAnyOrderElementsOf(
                            shopperIds.stream().map(LiveShoppers::address).toList());
            assertThat(copies).hasSize(USERS);
            assertThat(copies.values()).as("copies per Message-ID").containsOnly(1L);

            List<JsonNode> sessions = f.read(MailflowOptions.TOPIC_SESSIONS).stream()
                    .filter(s -> shopperIds.contains(s.get("userId").asText()))
                    .toList();
            Map<String, Set<String>> sessionKeysByUser = sessions.stream()
                    .collect(Collectors.groupingBy(
                            s -> s.get("userId").asText(),
                            Collectors.mapping(s -> s.get("sessionKey").asText(), Collectors.toSet())));
            assertThat(sessionKeysByUser).as("shoppers with a session").hasSize(USERS);
            assertThat(sessionKeysByUser.values())
                    .as("sessions per shopper")
                    .allSatisfy(keys -> assertThat(keys).hasSize(1));
            assertThat(sessions).allSatisfy(s -> {
                assertThat(s.get("addToCarts").asInt()).isEqualTo(1);
                assertThat(s.get("cartItems")).hasSize(1);
            });
            assertThat(f.read(MailflowOptions.TOPIC_LATE_EVENTS))
                    .as("late events")
                    .isEmpty();
            assertThat(f.read(MailflowOptions.TOPIC_DEAD_LETTERS))
                    .as("dead letters")
                    .isEmpty();

            ReliabilityReport.write(
                    "kafka-restart",
                    String.format(
                            Locale.ROOT,
                            """
                    | Kafka broker restart during ingestion | |
                    |---|---|
                    | load | %d abandoned carts over %d s, clock events every 0.5 s on both partitions, parallelism %d |
                    | restart | broker stopped at %d s (controlled shutdown took %.1f s, %d carts published by then), down %d s, started again in %.1f s |
                    | e-mails before / while the broker was down | %d / %d |
                    | first e-mail after the broker came back | %s |
                    | job restarts (Flink restart strategy) | %.0f |
                    | send-ledger writes that failed (broker down) | %.0f |
                    | sessions (shoppers) / records in the sessions topic | %d / %d (at-least-once sink: a restart may repeat some) |
                    | e-mails received / distinct / expected | %d / %d / %d |
                    | late events, dead letters | 0, 0 |
                    """,
                            USERS,
                            LOAD.toSeconds(),
                            FlinkTestEnv.PARALLELISM,
                            STOP_AT.toSeconds(),
                            stopTook / 1000.0,
                            cartedBefore,
                            DOWN.toSeconds(),
                            startTook / 1000.0,
                            mailsBefore,
                            mailsWhileDown,
                            firstMailAfter < 0 ? "-" : String.format(Locale.ROOT, "%.1f s", firstMailAfter / 1000.0),
                            metrics.sum("flink_jobmanager_job_numRestarts"),
                            metrics.operatorSum("sendLedgerWriteFailures"),
                            sessionKeysByUser.size(),
                            sessions.size(),
                            mails.length,
                            copies.size(),
                            USERS));
        } finally {
            job.cancel().get();
            smtp.stop();
        }
    }

    private static void sleepUntil(long t0, Duration at) throws InterruptedException {
        long wait = t0 + at.toMillis() - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    private static String recipient(MimeMessage m) {
        try {
            return ((InternetAddress) m.getAllRecipients()[0]).getAddress();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
