package io.mailflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.job.MailflowJob;
import io.mailflow.job.MailflowSinks;
import io.mailflow.job.MailflowTopology;
import io.mailflow.model.SendResult;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.LedgerHistory;
import io.mailflow.testing.PipelineFixture;
import io.mailflow.testing.Scenario;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fails the job in the middle of delivery and counts what reaches the SMTP server.
 *
 * <p>The failure is injected after a send result left the async sender (the message is out, but no
 * checkpoint has covered it yet): Flink restarts from the last checkpoint and replays the requests after it.
 * With the Kafka send ledger, a replayed request that was acknowledged is skipped; one that was in the middle
 * of its SMTP transaction when the job failed (an intent without an acknowledgement) is ambiguous and follows
 * {@code delivery.ambiguous-policy}: {@code skip} sends nothing twice and reports it, {@code resend} loses
 * nothing and duplicates at most the ambiguous ones. Without the ledger, the replay sends again, which shows
 * the failure injection really replays deliveries.
 *
 * <p>The injected failure is thrown by an operator chained after the sender, inside the sender's output: it
 * once hung this bounded job for ever, because the render operator's guard against bad requests caught it
 * (as a dead letter), leaving the async operator counting an element it had already handed on.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a job that never finishes is the failure this test once found
class DeliveryFailoverITCase {
    private static final int USERS = 40;
    private static final int FAIL_AFTER = 15;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    /** What one run left behind: copies received per Message-ID, the send results, the ledger's ambiguous ids. */
    private record Outcome(Map<String, Long> copies, List<JsonNode> results, Set<String> ambiguousRequests) {
        long duplicates() {
            return copies.values().stream().mapToLong(c -> c - 1).sum();
        }

        Set<String> messageIdsOf(Set<String> requestIds) {
            return results.stream()
                    .filter(r -> requestIds.contains(r.get("requestId").asText()))
                    .map(r -> r.get("messageId").asText())
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        Set<String> reported(String status) {
            return results.stream()
                    .filter(r -> status.equals(r.get("status").asText()))
                    .map(r -> r.get("messageId").asText())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void atMostOnceAFailureMidDeliveryDuplicatesNothingAndReportsWhatItDidNotSend() throws Exception {
        Outcome o = runWithFailure("skip", "kafka", "skip");
        assertThat(o.copies().values()).as("copies received per Message-ID").containsOnly(1L);
        Set<String> notSent = o.reported("SKIPPED_AMBIGUOUS");
        Set<String> accounted = new TreeSet<>(o.copies().keySet());
        accounted.addAll(notSent);
        assertThat(accounted)
                .as("every shopper's e-mail received, or reported not sent")
                .hasSize(USERS);
        assertThat(notSent)
                .as("reported not sent only where the ledger holds an unacknowledged intent")
                .isSubsetOf(o.messageIdsOf(o.ambiguousRequests()));
    }

    @Test
    void atLeastOnceAFailureMidDeliveryLosesNothingAndDuplicatesOnlyAmbiguousRequests() throws Exception {
        Outcome o = runWithFailure("resend", "kafka", "resend");
        assertThat(o.copies()).as("every shopper's e-mail received").hasSize(USERS);
        Set<String> duplicated = o.copies().entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(duplicated)
                .as("duplicated only where the ledger holds an unacknowledged intent")
                .isSubsetOf(o.messageIdsOf(o.ambiguousRequests()));
        assertThat(o.duplicates())
                .as("no more duplicates than ambiguous requests")
                .isLessThanOrEqualTo(o.ambiguousRequests().size());
    }

    @Test
    void withoutTheLedgerTheSameFailureSendsDuplicates() throws Exception {
        Outcome o = runWithFailure("noledger", "none", "resend");
        assertThat(o.copies()).hasSize(USERS);
        assertThat(o.duplicates())
                .as("the replay after the failure re-sent at least the message that failed")
                .isPositive();
    }

    private Outcome runWithFailure(String prefix, String ledger, String policy) throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        try {
            PipelineFixture f = PipelineFixture.create(
                    KAFKA.broker(),
                    prefix,
                    smtp.getSmtp().getPort(),
                    "delivery.ledger",
                    ledger,
                    "delivery.ambiguous-policy",
                    policy,
                    "delivery.threads",
                    "2",
                    "delivery.capacity",
                    "4");
            new Scenario().abandoners(USERS, prefix + "-u").publish(KAFKA.broker(), f.config());

            FailOnce.reset(FAIL_AFTER);
            StreamExecutionEnvironment env = FlinkTestEnv.env();
            Configuration conf = new Configuration();
            conf.setString("execution.checkpointing.interval", "300ms");
            conf.setString("restart-strategy.type", "fixed-delay");
            conf.setString("restart-strategy.fixed-delay.attempts", "3");
            conf.setString("restart-strategy.fixed-delay.delay", "200ms");
            env.configure(conf);
            MailflowTopology.build(
                    env,
                    f.config(),
                    MailflowJob.kafkaSources(f.config()),
                    failingResults(f.config()),
                    MailflowJob.delivery(f.config()));
            env.execute(prefix);

            assertThat(FailOnce.failed.get())
                    .as("the injected failure happened")
                    .isTrue();
            List<JsonNode> results = f.read(MailflowOptions.TOPIC_SEND_RESULTS);
            Set<String> ambiguous = "none".equals(ledger)
                    ? Set.of()
                    : LedgerHistory.ambiguous(f.readRaw(MailflowOptions.TOPIC_SEND_LEDGER));
            Map<String, Long> copies = Arrays.stream(smtp.getReceivedMessages())
                    .collect(Collectors.groupingBy(DeliveryITCase::messageId, Collectors.counting()));
            Outcome o = new Outcome(copies, results, ambiguous);
            System.out.printf(
                    "delivery-failover: ledger %s, policy %s: %d distinct e-mails received, %d duplicates, %d ambiguous"
                            + " requests in the ledger, %d reported SKIPPED_AMBIGUOUS%n",
                    ledger,
                    policy,
                    copies.size(),
                    o.duplicates(),
                    ambiguous.size(),
                    o.reported("SKIPPED_AMBIGUOUS").size());
            return o;
        } finally {
            smtp.stop();
        }
    }

    /** Production sinks, except that the send results pass an operator that fails the job once. */
    private static MailflowSinks failingResults(MailflowConfig c) {
        MailflowSinks real = MailflowJob.kafkaSinks(c);
        return new MailflowSinks(
                real.sessions(),
                results -> real.sendResults()
                        .accept(results.map(new FailOnce())
                                .uid("test-fail-once")
                                .name("fail once")),
                real.deadLetters(),
                real.lateEvents(),
                real.suppressions(),
                real.audit(),
                real.models(),
                real.feedback(),
                real.campaignStatus(),
                real.campaignEvents());
    }

    /** Throws on the N-th send result it sees, once per test (static: it must survive the restart). */
    static final class FailOnce implements MapFunction<SendResult, SendResult> {
        static final AtomicInteger seen = new AtomicInteger();
        static final AtomicBoolean failed = new AtomicBoolean();
        static volatile int failAfter;

        static void reset(int n) {
            seen.set(0);
            failed.set(false);
            failAfter = n;
        }

        @Override
        public SendResult map(SendResult r) {
            if (seen.incrementAndGet() == failAfter && failed.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after " + failAfter + " deliveries");
            }
            return r;
        }
    }
}
