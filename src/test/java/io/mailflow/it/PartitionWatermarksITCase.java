package io.mailflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.config.MailflowOptions;
import io.mailflow.job.MailflowJob;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.PipelineFixture;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One source reader reads both partitions of the events topic (parallelism 1), and one partition runs hours
 * ahead of the other, as in a replay or behind a lagging producer. The reader's watermark must be the minimum of
 * its partitions' watermarks: the partition behind loses nothing to lateness. Before watermarks were generated
 * per partition (they were generated per parallel instance, after parsing), every event of the partition behind
 * was late here.
 *
 * <p>The order is forced: partition 0 (three hours ahead) is read to its end first, shown by the dead letter of a
 * marker record at its end, and only then is partition 1 written. Event times are fixed instants in the past
 * (a replay), so the outcome depends neither on the date nor on the time of day.
 */
class PartitionWatermarksITCase {
    private static final long T0 = Instant.parse("2026-06-01T08:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000;
    private static final int USERS = 20;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void aPartitionBehindAnotherOnTheSameReaderLosesNothingToLateness() throws Exception {
        PipelineFixture f = PipelineFixture.create(
                KAFKA.broker(),
                "partition-skew",
                1, // no e-mail is sent: this test reads sessions
                "job.bounded",
                "false",
                "session.gap",
                "10min",
                "ingest.max-out-of-orderness",
                "1s",
                "ingest.idleness",
                "0ms");
        String events = f.topic(MailflowOptions.TOPIC_EVENTS);
        StreamExecutionEnvironment env = FlinkTestEnv.env();
        env.setParallelism(1); // one reader for both partitions

        try (KafkaProducer<byte[], byte[]> producer = KAFKA.broker().producer()) {
            // partition 0: shoppers two hours after T0, then a clock at T0 + 3 h, then a marker at the end
            for (int i = 0; i < USERS; i++) {
                send(producer, events, 0, view("ahead-" + i, T0 + 2 * HOUR + i * 1000L));
            }
            send(producer, events, 0, view("clock-0", T0 + 3 * HOUR));
            send(producer, events, 0, "{\"marker\":\"end-of-partition-0\"}");
            producer.flush();

            JobClient job = MailflowJob.start(env, f.config());
            try {
                awaitDeadLetter(f, "end-of-partition-0");
                // a watermark interval (200 ms) or more passes with partition 0 read to its end: per instance, event
                // time would now be three hours ahead of everything partition 1 is about to bring
                Thread.sleep(1000);

                for (int i = 0; i < USERS; i++) {
                    send(producer, events, 1, view("behind-" + i, T0 + i * 1000L));
                }
                send(producer, events, 1, view("clock-1", T0 + 3 * HOUR));
                producer.flush();

                Set<String> expected = new java.util.TreeSet<>();
                for (int i = 0; i < USERS; i++) {
                    expected.add("ahead-" + i);
                    expected.add("behind-" + i);
                }
                Set<String> sessions = Set.of();
                long deadline = System.currentTimeMillis() + 60_000;
                while (System.currentTimeMillis() < deadline && !sessions.containsAll(expected)) {
                    Thread.sleep(250);
                    sessions = f.read(MailflowOptions.TOPIC_SESSIONS).stream()
                            .map(s -> s.get("userId").asText())
                            .collect(Collectors.toSet());
                    if (!f.read(MailflowOptions.TOPIC_LATE_EVENTS).isEmpty()) {
                        break;
                    }
                }
                List<JsonNode> late = f.read(MailflowOptions.TOPIC_LATE_EVENTS);
                assertThat(late.stream().map(e -> e.path("userId").asText()).distinct())
                        .as("shoppers with late events")
                        .isEmpty();
                assertThat(sessions).as("shoppers with a session").containsAll(expected);
            } finally {
                job.cancel().get();
            }
        }
    }

    private static String view(String user, long t) {
        return "{\"eventId\":\"" + user + "-v\",\"userId\":\"" + user + "\",\"type\":\"VIEW\",\"itemId\":\"i-1\","
                + "\"timestamp\":" + t + "}";
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, int partition, String json) {
        p.send(new ProducerRecord<>(topic, partition, null, json.getBytes(StandardCharsets.UTF_8)));
    }

    private static void awaitDeadLetter(PipelineFixture f, String marker) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (f.read(MailflowOptions.TOPIC_DEAD_LETTERS).stream()
                    .anyMatch(d -> d.toString().contains(marker))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("partition 0 was not read to its end within 60 s (no dead letter for " + marker + ")");
    }
}
