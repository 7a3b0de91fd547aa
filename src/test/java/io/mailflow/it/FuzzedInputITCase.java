package io.mailflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.config.MailflowOptions;
import io.mailflow.ingestion.EventValidator;
import io.mailflow.job.MailflowJob;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.Fuzzer;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.PipelineFixture;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 10,000 malformed events through the production topology with restarts disabled: every one must end
 * in the dead-letter topic with a reason and its source offset, and the job must finish without a
 * single failure.
 */
class FuzzedInputITCase {
    private static final int N = 10_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void everyMalformedEventIsDeadLetteredWithAReasonAndTheJobNeverRestarts() throws Exception {
        PipelineFixture f = PipelineFixture.create(KAFKA.broker(), "fuzz", 2525);
        List<Fuzzer.Case> cases = new Fuzzer(7L).cases(N);
        // the fuzzer's promise, checked against the validator itself before anything runs
        EventValidator validator = new EventValidator(java.time.Duration.ofHours(1));
        assertThat(cases)
                .allSatisfy(c -> assertThat(validator
                                .validate(c.payload(), System.currentTimeMillis())
                                .valid())
                        .as("fuzzed payload %s is invalid", c.mutation())
                        .isFalse());

        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            for (Fuzzer.Case c : cases) {
                p.send(new ProducerRecord<>(f.config().get(MailflowOptions.TOPIC_EVENTS), null, c.payload()));
            }
        }
        StreamExecutionEnvironment env = FlinkTestEnv.env();
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "none");
        env.configure(conf);
        MailflowJob.define(env, f.config());
        env.execute("fuzz");

        List<JsonNode> dead = f.read(MailflowOptions.TOPIC_DEAD_LETTERS);
        assertThat(dead).hasSize(N);
        assertThat(dead).allSatisfy(d -> {
            assertThat(d.get("stage").asText()).isEqualTo("ingest");
            assertThat(d.get("reason").asText()).isNotBlank();
            assertThat(d.get("offset").asLong()).isNotNegative();
        });
        assertThat(dead.stream()
                        .map(d -> d.get("partition").asInt() + "/"
                                + d.get("offset").asLong())
                        .distinct())
                .hasSize(N);
        assertThat(f.read(MailflowOptions.TOPIC_SESSIONS)).isEmpty();
        Map<String, Long> reasons = dead.stream()
                .collect(Collectors.groupingBy(
                        d -> d.get("reason").asText().replaceAll("[0-9]+", "N").replaceAll("'[^']*'", "'…'"),
                        Collectors.counting()));
        System.out.println("Dead-letter reasons for " + N + " fuzzed events: " + reasons);
    }
}
