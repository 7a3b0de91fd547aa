package io.mailflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.mailflow.config.MailflowOptions;
import io.mailflow.job.MailflowJob;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.LedgerHistory;
import io.mailflow.testing.LiveShoppers;
import io.mailflow.testing.PipelineFixture;
import io.mailflow.testing.PrometheusScraper;
import io.mailflow.testing.ReliabilityReport;
import io.mailflow.testkit.EmbeddedKafka;
import io.mailflow.testkit.KafkaBrokerProcess;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The only Kafka broker <em>crashes</em> ({@code kill -9}, not a controlled shutdown) twice: once while
 * carts are being ingested and e-mails sent, once after the last cart, while the last e-mails are being
 * delivered. The broker runs in a child JVM ({@link KafkaBrokerProcess}) so that it can be SIGKILLed; each
 * time it is started again on the same port and log directory (it recovers its logs as after any unclean
 * shutdown). The job (MiniCluster, production topology, checkpoints every 2 s) must recover by itself; the
 * outcome is known from the traffic alone: one abandoned-cart e-mail per shopper, no dead letters, and at
 * most one extra copy per ambiguous send (intent written, acknowledgement lost with the broker).
 *
 * <p>A request reaching the sender while the broker is gone waits, with back-off, until the send ledger
 * takes its intent (the broker's downtime, about 10 s plus its restart, is far below {@code
 * delivery.timeout}); it must not fail as "send ledger unavailable" (that would be a dead letter).
 *
 * <p>Tagged {@code reliability}: not part of {@code mvn verify}; {@code .ci/run} runs it afterwards.
 */
@Tag("reliability")
class KafkaCrashITCase {
    private static final int USERS = 240;
    private static final Duration LOAD = Duration.ofSeconds(45);
    /** First crash: carts still arriving, e-mails falling due. */
    private static final Duration CRASH_1 = Duration.ofSeconds(12);
    /** Second crash: a moment after the last cart, while its e-mail and those before it are due. */
    private static final Duration CRASH_2 = LOAD.plusSeconds(2);

    private static final Duration DOWN = Duration.ofSeconds(10);
    private static final int PROM_PORT = freePort();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(FlinkTestEnv.PARALLELISM)
            .setConfiguration(PrometheusScraper.reporter(PROM_PORT))
            .build());

    @Test
    void aBrokerKilledWithSigkillDuringIngestionAndDuringDeliveryLosesNothing() throws Exception {
        Path dir = Path.of("target", "kafka-crash");
        deleteRecursively(dir);
        long brokerStart = System.currentTimeMillis();
        KafkaBrokerProcess broker = KafkaBrokerProcess.start(dir.resolve("broker"), Duration.ofSeconds(90));
        long brokerStartTook = System.currentTimeMillis() - brokerStart;
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        JobClient job = null;
        List<Crash> crashes = new ArrayList<>();
        try {
            PipelineFixture f = PipelineFixture.create(
                    EmbeddedKafka.connect(broker.bootstrapServers()),
                    "broker-crash",
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
                    // live wall-clock event time: no quiet hours, so that the outcome does not depend on the time of
                    // day
                    "guardrails.quiet-hours-start",
                    "0ms",
                    "guardrails.quiet-hours-end",
                    "0ms");
            StreamExecutionEnvironment env = FlinkTestEnv.env();
            Configuration conf = new Configuration(); // restarts as flink-conf/config.yaml; checkpoints every 2 s
            conf.setString("execution.checkpointing.interval", "2s");
            conf.setString("execution.checkpointing.tolerable-failed-checkpoints", "10");
            conf.setString("restart-strategy.type", "failure-rate");
            conf.setString("restart-strategy.failure-rate.max-failures-per-interval", "10");
            conf.setString("restart-strategy.failure-rate.failure-rate-interval", "10min");
            conf.setString("restart-strategy.failure-rate.delay", "10s");
            env.configure(conf);

            job = MailflowJob.start(env, f.config());
            PrometheusScraper prometheus = new PrometheusScraper(PROM_PORT);
            long t0 = System.currentTimeMillis();
            try (LiveShoppers shoppers = new LiveShoppers(f.config(), "kc", USERS, LOAD).start()) {
                for (Duration at : List.of(CRASH_1, CRASH_2)) {
                    sleepUntil(t0, at);
                    Crash c = new Crash();
                    c.at = at;
                    c.pid = broker.pid();
                    c.carted = shoppers.cartedAt().size();
                    c.mailsBefore = smtp.getReceivedMessages().length;
                    long killed = System.currentTimeMillis();
                    broker.kill(); // SIGKILL of the broker JVM this test started
                    c.killTook = System.currentTimeMillis() - killed;
                    sleepUntil(t0, at.plus(DOWN));
                    c.mailsWhileDown = smtp.getReceivedMessages().length - c.mailsBefore;
                    long restarted = System.currentTimeMillis();
                    broker.restart(Duration.ofSeconds(90));
                    c.restartTook = System.currentTimeMillis() - restarted;
                    int atRestart = smtp.getReceivedMessages().length;
                    long deadline = System.currentTimeMillis() + 60_000;
                    while (System.currentTimeMillis() < deadline && smtp.getReceivedMessages().length == atRestart) {
                        Thread.sleep(100);
                    }
                    c.firstMailAfter =
                            smtp.getReceivedMessages().length > atRestart ? System.currentTimeMillis() - restarted : -1;
                    crashes.add(c);
                }
                long deadline = System.currentTimeMillis() + 120_000;
                while (System.currentTimeMillis() < deadline
                        && !(shoppers.allCarted() && smtp.getReceivedMessages().length >= USERS)) {
                    Thread.sleep(200);
                }
                long allAt = System.currentTimeMillis() - t0;
                Thread.sleep(5000); // a duplicate would arrive now
                PrometheusScraper.Scrape metrics = prometheus.scrape();
                assertThat(shoppers.error())
                        .as("the load generator's producer (idempotent, retrying)")
                        .isNull();

                Set<String> shopperIds = shoppers.cartedAt().keySet();
                MimeMessage[] mails = smtp.getReceivedMessages();
                Map<String, Long> copies = Arrays.stream(mails)
                        .collect(Collectors.groupingBy(DeliveryITCase::messageId, Collectors.counting()));
                long duplicates = mails.length - copies.size();
                List<JsonNode> results = f.read(MailflowOptions.TOPIC_SEND_RESULTS);
                Map<String, Long> byStatus = results.stream()
                        .collect(Collectors.groupingBy(r -> r.get("status").asText(), Collectors.counting()));
                List<JsonNode> deadLetters = f.read(MailflowOptions.TOPIC_DEAD_LETTERS);
                double restarts = metrics.sum("flink_jobmanager_job_numRestarts");
                // ambiguous requests from the ledger topic itself (the metrics start from zero at every restart)
                EmbeddedKafka kafka = EmbeddedKafka.connect(broker.bootstrapServers());
                Set<String> ambiguousRequests =
                        LedgerHistory.ambiguous(kafka.readAll(f.topic(MailflowOptions.TOPIC_SEND_LEDGER)));
                Set<String> ambiguousMessages = results.stream()
                        .filter(r ->
                                ambiguousRequests.contains(r.get("requestId").asText()))
                        .map(r -> r.get("messageId").asText())
                        .collect(Collectors.toSet());
                Set<String> duplicated = copies.entrySet().stream()
                        .filter(e -> e.getValue() > 1)
                        .map(Map.Entry::getKey)
                        .collect(Collectors.toSet());
                double ambiguousResent = metrics.operatorSum("ambiguousSendsResent");
                double ledgerFailures = metrics.operatorSum("sendLedgerWriteFailures");

                ReliabilityReport.write(
                        "kafka-crash",
                        report(
                                brokerStartTook,
                                crashes,
                                mails.length,
                                copies.size(),
                                duplicates,
                                allAt,
                                restarts,
                                ambiguousRequests.size(),
                                ambiguousResent,
                                ledgerFailures,
                                byStatus,
                                deadLetters.size(),
                                broker.pids()));

                assertThat(crashes.get(0).carted)
                        .as("the first crash came while carts were still being published")
                        .isLessThan(USERS);
                assertThat(crashes.get(1).carted)
                        .as("the second crash came after the last cart")
                        .isEqualTo(USERS);
                assertThat(crashes.get(1).mailsBefore)
                        .as("... while e-mails were still being delivered")
                        .isLessThan(USERS);
                assertThat(crashes)
                        .allSatisfy(c -> assertThat(c.firstMailAfter)
                                .as("an e-mail arrives after the broker is back (the job recovered by itself)")
                                .isPositive());
                assertThat(Arrays.stream(mails).map(KafkaCrashITCase::recipient).distinct())
                        .as("one e-mail per shopper: nothing lost")
                        .containsExactlyInAnyOrderElementsOf(
                                shopperIds.stream().map(LiveShoppers::address).toList());
                assertThat(copies).as("one Message-ID per shopper").hasSize(USERS);
                // A copy beyond the first is possible only for an ambiguous request (intent written, the
                // acknowledgement lost with the broker, then a restart): under the default policy (resend)
                // it is sent again, once.
                assertThat(duplicated)
                        .as("duplicated messages are ambiguous requests")
                        .isSubsetOf(ambiguousMessages);
                assertThat(duplicates)
                        .as("duplicates: at most the ambiguous requests")
                        .isLessThanOrEqualTo(ambiguousRequests.size());
                assertThat(deadLetters).as("dead letters").isEmpty();
                assertThat(f.read(MailflowOptions.TOPIC_LATE_EVENTS))
                        .as("late events")
                        .isEmpty();
            }
        } finally {
            if (job != null) {
                job.cancel().get();
            }
            smtp.stop();
            broker.close();
        }
    }

    /** One crash of the broker and what followed it. */
    private static final class Crash {
        Duration at;
        long pid;
        int carted;
        int mailsBefore;
        int mailsWhileDown;
        long killTook;
        long restartTook;
        long firstMailAfter;
    }

    private static String report(
            long brokerStartTook,
            List<Crash> crashes,
            int received,
            int distinct,
            long duplicates,
            long allAt,
            double restarts,
            int ambiguous,
            double ambiguousResent,
            double ledgerFailures,
            Map<String, Long> byStatus,
            int deadLetters,
            List<Long> pids) {
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                """
                | Kafka broker killed (SIGKILL) during ingestion and delivery | |
                |---|---|
                | load | %d abandoned carts over %d s, clock events every 0.5 s on both partitions, parallelism %d |
                | broker | child JVM (pids %s), first start %.1f s; killed %d times, down %d s each, restarted on the same port and log directory |
                """,
                USERS,
                LOAD.toSeconds(),
                FlinkTestEnv.PARALLELISM,
                pids,
                brokerStartTook / 1000.0,
                crashes.size(),
                DOWN.toSeconds()));
        for (int i = 0; i < crashes.size(); i++) {
            Crash c = crashes.get(i);
            out.append(String.format(
                    Locale.ROOT,
                    "| crash %d | at %d s (pid %d), %d of %d carts published, %d e-mails delivered; kill -9 took %.1f s;"
                            + " %d e-mails while down; restart took %.1f s; first e-mail %.1f s after the restart |%n",
                    i + 1,
                    c.at.toSeconds(),
                    c.pid,
                    c.carted,
                    USERS,
                    c.mailsBefore,
                    c.killTook / 1000.0,
                    c.mailsWhileDown,
                    c.restartTook / 1000.0,
                    c.firstMailAfter / 1000.0));
        }
        out.append(String.format(
                Locale.ROOT,
                """
                | all e-mails received at | %.1f s |
                | job restarts (Flink restart strategy) | %.0f |
                | ambiguous requests (send ledger: intent never acknowledged) / re-sent (metric, since the last restart) / ledger writes that failed | %d / %.0f / %.0f |
                | send results by status | %s |
                | e-mails received / distinct / expected; duplicates | %d / %d / %d; %d |
                | dead letters, late events | %d, 0 |
                """,
                allAt / 1000.0,
                restarts,
                ambiguous,
                ambiguousResent,
                ledgerFailures,
                byStatus,
                received,
                distinct,
                USERS,
                duplicates,
                deadLetters));
        return out.toString();
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

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
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
