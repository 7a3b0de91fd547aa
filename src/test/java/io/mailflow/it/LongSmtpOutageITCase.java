package io.mailflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.store.StoredMessage;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An SMTP outage longer than the checkpoint timeout. While the relay is down the sender's async queue
 * fills (a small {@code delivery.capacity} makes it fill within seconds) and no checkpoint barrier can
 * pass the sending task, so checkpoints time out and fail. With Flink's default (0 tolerable failed
 * checkpoints) the first timeout would fail the job and restart it; {@code flink-conf/config.yaml}
 * tolerates some ({@code execution.checkpointing.tolerable-failed-checkpoints}), and this test takes that
 * value from there. The checkpoint timeout is shortened to 10 s (production: 5 min) and the relay stays
 * down for 40 s, four timeouts: checkpoints must fail, the job must not restart, checkpoints must complete
 * again once the relay is back, and every shopper gets one e-mail (a copy beyond the first only for a
 * message the server stored as it went down, at most one per sender thread), no dead letters.
 *
 * <p>Tagged {@code reliability}: not part of {@code mvn verify}; {@code .ci/run} runs it afterwards.
 */
@Tag("reliability")
class LongSmtpOutageITCase {
    private static final int USERS = 200;
    private static final Duration LOAD = Duration.ofSeconds(40);
    private static final Duration OUTAGE_START = Duration.ofSeconds(10);
    private static final Duration OUTAGE = Duration.ofSeconds(40);
    private static final Duration CHECKPOINT_TIMEOUT = Duration.ofSeconds(10);
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
    void anOutageLongerThanTheCheckpointTimeoutFailsCheckpointsButNotTheJob() throws Exception {
        String tolerable = GlobalConfiguration.loadConfiguration("flink-conf")
                .toMap()
                .get("execution.checkpointing.tolerable-failed-checkpoints");
        assertThat(tolerable)
                .as("flink-conf/config.yaml tolerates failed checkpoints")
                .isNotNull();
        assertThat(Integer.parseInt(tolerable))
                .as("tolerable failed checkpoints: enough for an outage of 4 checkpoint timeouts")
                .isGreaterThanOrEqualTo(4);

        int smtpPort = freePort();
        PipelineFixture f = PipelineFixture.create(
                KAFKA.broker(),
                "long-smtp-outage",
                smtpPort,
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
                "0ms",
                // a queue that fills within seconds of the outage (watermarks take places in it too)
                "delivery.capacity",
                "20",
                // retry for about 100 s (full jitter, 2 s cap) and wait up to 3 min in the sender: longer than the
                // outage
                "delivery.max-attempts",
                "100",
                "delivery.retry-base",
                "200ms",
                "delivery.retry-max",
                "2s",
                "delivery.timeout",
                "3min");
        StreamExecutionEnvironment env = FlinkTestEnv.env();
        Configuration conf = new Configuration();
        conf.setString("execution.checkpointing.interval", "2s");
        conf.setString("execution.checkpointing.min-pause", "1s");
        conf.setString("execution.checkpointing.timeout", CHECKPOINT_TIMEOUT.toSeconds() + "s");
        conf.setString("execution.checkpointing.tolerable-failed-checkpoints", tolerable);
        conf.setString("restart-strategy.type", "failure-rate");
        conf.setString("restart-strategy.failure-rate.max-failures-per-interval", "10");
        conf.setString("restart-strategy.failure-rate.failure-rate-interval", "10min");
        conf.setString("restart-strategy.failure-rate.delay", "10s");
        env.configure(conf);

        List<MimeMessage> received = new ArrayList<>();
        GreenMail smtp = greenMail(smtpPort);
        JobClient job = MailflowJob.start(env, f.config());
        PrometheusScraper prometheus = new PrometheusScraper(PROM_PORT);
        long t0 = System.currentTimeMillis();
        try (LiveShoppers shoppers = new LiveShoppers(f.config(), "lo", USERS, LOAD).start()) {
            sleepUntil(t0, OUTAGE_START);
            PrometheusScraper.Scrape atStart = prometheus.scrape();
            received.addAll(stop(smtp));
            int beforeOutage = received.size();
            Set<String> idsBeforeOutage =
                    received.stream().map(DeliveryITCase::messageId).collect(Collectors.toSet());
            sleepUntil(t0, OUTAGE_START.plus(OUTAGE));
            PrometheusScraper.Scrape atEnd = prometheus.scrape();
            smtp = greenMail(smtpPort);
            long back = System.currentTimeMillis();
            long deadline = back + 120_000;
            long drained = -1;
            while (System.currentTimeMillis() < deadline
                    && !(shoppers.allCarted() && smtp.getReceivedMessages().length + received.size() >= USERS)) {
                Thread.sleep(200);
            }
            if (smtp.getReceivedMessages().length + received.size() >= USERS) {
                drained = System.currentTimeMillis() - back;
            }
            // checkpoints complete again once the relay is back (polled, with a deadline)
            double completedAtEnd = atEnd.sum("flink_jobmanager_job_numberOfCompletedCheckpoints");
            long checkpointDeadline = System.currentTimeMillis() + 30_000;
            PrometheusScraper.Scrape after = prometheus.scrape();
            while (System.currentTimeMillis() < checkpointDeadline
                    && after.sum("flink_jobmanager_job_numberOfCompletedCheckpoints") <= completedAtEnd) {
                Thread.sleep(500);
                after = prometheus.scrape();
            }
            Thread.sleep(5000); // a duplicate would arrive now
            after = prometheus.scrape();
            received.addAll(stop(smtp));
            assertThat(shoppers.error()).as("the load generator's producer").isNull();

            double failedDuring = atEnd.sum("flink_jobmanager_job_numberOfFailedCheckpoints")
                    - atStart.sum("flink_jobmanager_job_numberOfFailedCheckpoints");
            double completedDuring = completedAtEnd - atStart.sum("flink_jobmanager_job_numberOfCompletedCheckpoints");
            double completedAfter = after.sum("flink_jobmanager_job_numberOfCompletedCheckpoints") - completedAtEnd;
            double restarts = after.sum("flink_jobmanager_job_numRestarts");
            Map<String, Long> copies =
                    received.stream().collect(Collectors.groupingBy(DeliveryITCase::messageId, Collectors.counting()));
            Set<String> duplicated = copies.entrySet().stream()
                    .filter(e -> e.getValue() > 1)
                    .map(Map.Entry::getKey)
                    .collect(Collectors.toSet());
            Map<String, Long> byStatus = f.read(MailflowOptions.TOPIC_SEND_RESULTS).stream()
                    .collect(Collectors.groupingBy(r -> r.get("status").asText(), Collectors.counting()));
            int deadLetters = f.read(MailflowOptions.TOPIC_DEAD_LETTERS).size();

            ReliabilityReport.write(
                    "long-smtp-outage",
                    String.format(
                            Locale.ROOT,
                            """
                    | SMTP outage longer than the checkpoint timeout | |
                    |---|---|
                    | load | %d abandoned carts over %d s, parallelism %d, delivery.capacity 20 |
                    | outage | relay stopped at %d s for %d s; checkpoint timeout %d s, every 2 s; tolerable failed checkpoints %s (flink-conf) |
                    | delivered before the outage | %d |
                    | during the outage: checkpoints failed / completed | %.0f / %.0f |
                    | after the relay came back: all e-mails in / checkpoints completed again | %s / %.0f |
                    | job restarts | %.0f |
                    | e-mails received / distinct / expected; duplicates | %d / %d / %d; %d |
                    | send results by status; dead letters | %s; %d |
                    """,
                            USERS,
                            LOAD.toSeconds(),
                            FlinkTestEnv.PARALLELISM,
                            OUTAGE_START.toSeconds(),
                            OUTAGE.toSeconds(),
                            CHECKPOINT_TIMEOUT.toSeconds(),
                            tolerable,
                            beforeOutage,
                            failedDuring,
                            completedDuring,
                            drained < 0 ? "not within 120 s" : String.format(Locale.ROOT, "%.1f s", drained / 1000.0),
                            completedAfter,
                            restarts,
                            received.size(),
                            copies.size(),
                            USERS,
                            received.size() - copies.size(),
                            byStatus,
                            deadLetters));

            assertThat(failedDuring)
                    .as("checkpoints failed (timed out) during the outage")
                    .isPositive();
            assertThat(restarts).as("job restarts").isZero();
            assertThat(completedAfter)
                    .as("checkpoints complete again after the outage")
                    .isPositive();
            assertThat(received.stream().map(LongSmtpOutageITCase::recipient).distinct())
                    .as("one e-mail per shopper")
                    .containsExactlyInAnyOrderElementsOf(shoppers.cartedAt().keySet().stream()
                            .map(LiveShoppers::address)
                            .toList());
            assertThat(copies.values())
                    .as("copies per Message-ID")
                    .allSatisfy(c -> assertThat(c).isLessThanOrEqualTo(2L));
            assertThat(idsBeforeOutage)
                    .as("duplicates: only messages the server took as it went down")
                    .containsAll(duplicated);
            assertThat(duplicated).hasSizeLessThanOrEqualTo(FlinkTestEnv.PARALLELISM * 4);
            assertThat(deadLetters).as("dead letters").isZero();
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

    /** Stops the server and returns what it received (stopping clears GreenMail's mailboxes). */
    private static List<MimeMessage> stop(GreenMail smtp) {
        Managers managers = smtp.getManagers();
        smtp.stop();
        return managers.getImapHostManager().getAllMessages().stream()
                .map(StoredMessage::getMimeMessage)
                .toList();
    }

    private static GreenMail greenMail(int port) {
        GreenMail g = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        g.start();
        return g;
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
