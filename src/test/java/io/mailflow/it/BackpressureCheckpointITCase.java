package io.mailflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.mailflow.config.MailflowOptions;
import io.mailflow.io.Json;
import io.mailflow.job.MailflowJob;
import io.mailflow.testing.Events;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.PipelineFixture;
import io.mailflow.testing.PrometheusScraper;
import io.mailflow.testing.Scenario;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Checkpoints complete while a burst of e-mails waits for a rate-limited relay, with the checkpoint
 * settings of {@code flink-conf/config.yaml}.
 *
 * <p>A burst (every abandoned cart due at once) used to fill the async sender's queue and the network
 * buffers in front of it; a checkpoint barrier waited behind all of that, so no checkpoint completed during
 * such a burst (TaskManager-kill test, 2026-12-02: every kill replayed the job from its start; this test:
 * 0 checkpoints between the first e-mail and the 150th, with or without buffer debloating). The guardrails
 * now pace releases at the relay's rate, keeping the burst in their state. The test takes the TaskManager
 * network settings of flink-conf for its cluster, delivers {@value #USERS} e-mails at {@value #RATE} per
 * second (about 40 s), requires checkpoints to complete while the backlog is being delivered, and then every
 * e-mail to arrive exactly once.
 */
class BackpressureCheckpointITCase {
    private static final int USERS = 200;
    private static final int RATE = 5;
    private static final int PROM_PORT = freePort();

    private static final String DEBLOAT = "taskmanager.network.memory.buffer-debloat.enabled";
    private static final Map<String, String> PRODUCTION =
            GlobalConfiguration.loadConfiguration("flink-conf").toMap();

    @RegisterExtension
    static final org.apache.flink.test.junit5.MiniClusterExtension FLINK =
            new org.apache.flink.test.junit5.MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(FlinkTestEnv.PARALLELISM)
                    .setConfiguration(cluster())
                    .build());

    /** The TaskManager's network settings of flink-conf, and a metrics reporter. */
    private static Configuration cluster() {
        Configuration c = PrometheusScraper.reporter(PROM_PORT);
        c.setString(DEBLOAT, PRODUCTION.getOrDefault(DEBLOAT, "false"));
        return c;
    }

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void checkpointsCompleteWhileABurstWaitsForTheRelay() throws Exception {

        int smtpPort = freePort();
        PipelineFixture f = PipelineFixture.create(
                KAFKA.broker(),
                "backpressure-checkpoints",
                smtpPort,
                "job.bounded",
                "false",
                "delivery.relay-rate-limit",
                String.valueOf(RATE),
                // a small sender queue: most of the burst waits in the network buffers in front of it, where
                // an aligned barrier would wait behind it
                "delivery.capacity",
                "10",
                // fixed instants; no quiet hours, so that nothing depends on the hour of the day
                "guardrails.quiet-hours-start",
                "0ms",
                "guardrails.quiet-hours-end",
                "0ms");
        new Scenario().abandoners(USERS, "bp").publish(KAFKA.broker(), f.config());
        // one clock event per partition, hours after the carts: every abandoned cart is due at once
        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            for (int partition = 0; partition < 2; partition++) {
                String clock = "clock-" + partition;
                p.send(new ProducerRecord<>(
                        f.config().get(MailflowOptions.TOPIC_EVENTS),
                        partition,
                        clock.getBytes(StandardCharsets.UTF_8),
                        Json.toBytes(Events.view(clock, "sku-0", Events.BEGINNING + 3 * Events.ONE_HOUR))));
            }
        }

        StreamExecutionEnvironment env = FlinkTestEnv.env();
        Configuration conf = new Configuration();
        conf.setString("execution.checkpointing.interval", "1s");
        conf.setString("execution.checkpointing.min-pause", "500ms");
        env.configure(conf);

        GreenMail smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        JobClient job = MailflowJob.start(env, f.config());
        PrometheusScraper prometheus = new PrometheusScraper(PROM_PORT);
        try {
            long deadline = System.currentTimeMillis() + 180_000;
            while (smtp.getReceivedMessages().length == 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertThat(smtp.getReceivedMessages()).as("the first e-mail").isNotEmpty();
            double atFirst = prometheus.scrape().sum("flink_jobmanager_job_numberOfCompletedCheckpoints");
            int mostOf = USERS * 3 / 4;
            while (smtp.getReceivedMessages().length < mostOf && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            double atMost = prometheus.scrape().sum("flink_jobmanager_job_numberOfCompletedCheckpoints");
            assertThat(smtp.getReceivedMessages().length)
                    .as("e-mails within the deadline")
                    .isGreaterThanOrEqualTo(mostOf);
            assertThat(atMost - atFirst)
                    .as(
                            "checkpoints completed between the first e-mail and %d of %d (a %d-per-second relay)",
                            mostOf, USERS, RATE)
                    .isGreaterThanOrEqualTo(2);

            while (smtp.getReceivedMessages().length < USERS && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(2000); // a duplicate would arrive now
            Map<String, Long> copies = Arrays.stream(smtp.getReceivedMessages())
                    .collect(Collectors.groupingBy(DeliveryITCase::messageId, Collectors.counting()));
            assertThat(copies).as("one Message-ID per shopper").hasSize(USERS);
            assertThat(copies.values()).as("copies per Message-ID").containsOnly(1L);
        } finally {
            job.cancel().get();
            smtp.stop();
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
