package io.mailflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.config.MailflowOptions;
import io.mailflow.config.Option;
import io.mailflow.job.MailflowJob;
import io.mailflow.testing.AdversarialCorpus;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.PipelineFixture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole adversarial corpus (events, engagement, profiles, suppressions) through the production topology
 * with a real broker, together with a little valid traffic from extreme but valid shoppers, so that the models
 * train. Restarts are disabled, so the job finishes only if no record made any task fail (no failover). Then:
 * every rejected corpus record is in the dead-letter topic with a reason and its coordinates, every number in
 * every model and score output is finite and every score in [0, 1], and no e-mail address of the profile corpus
 * appears in a dead letter or a log line (logs captured at INFO while the job runs).
 */
class AdversarialInputITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    /** Domains of every address in the profile corpus. */
    private static final List<String> PROFILE_DOMAINS =
            List.of("adv-mail.example", "bücher.example", "xn--bcher-kva.example");

    @Test
    void theCorpusNeverRestartsTheJobEveryBadRecordIsADeadLetterModelsStayFiniteAndNoAddressLeaks() throws Exception {
        PipelineFixture f = PipelineFixture.create(
                KAFKA.broker(),
                "adversarial",
                2526,
                "kmeans.k",
                "2",
                "kmeans.batch-size",
                "4",
                "ftrl.publish-every",
                "2");
        Map<String, Option<String>> topics = Map.of(
                "events", MailflowOptions.TOPIC_EVENTS,
                "engagement", MailflowOptions.TOPIC_ENGAGEMENT,
                "profiles", MailflowOptions.TOPIC_PROFILES,
                "suppressions", MailflowOptions.TOPIC_SUPPRESSIONS);
        Set<String> expectedDead = new HashSet<>();
        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            for (Map.Entry<String, Option<String>> input : topics.entrySet()) {
                for (AdversarialCorpus.Line line : AdversarialCorpus.load(input.getKey())) {
                    RecordMetadata m = p.send(new ProducerRecord<>(
                                    f.topic(input.getValue()), "k".getBytes(StandardCharsets.UTF_8), line.bytes()))
                            .get();
                    if (!line.mustBeAccepted()) {
                        expectedDead.add(m.topic() + "/" + m.partition() + "/" + m.offset());
                    }
                }
            }
            validShoppers(p, f.topic(MailflowOptions.TOPIC_EVENTS));
        }

        List<String> logLines = Collections.synchronizedList(new ArrayList<>());
        JobExecutionResult result;
        try (LogCapture ignored = new LogCapture(logLines)) {
            StreamExecutionEnvironment env = FlinkTestEnv.env();
            Configuration conf = new Configuration();
            conf.setString("restart-strategy.type", "none"); // any failover fails the job, and so this test
            env.configure(conf);
            MailflowJob.define(env, f.config());
            result = env.execute("adversarial");
        }
        assertThat(result.getNetRuntime()).isPositive();

        List<JsonNode> dead = f.read(MailflowOptions.TOPIC_DEAD_LETTERS);
        Set<String> deadFromInputs = new HashSet<>();
        for (JsonNode d : dead) {
            assertThat(d.get("reason").asText()).isNotBlank();
            assertThat(d.toString().length()).isLessThan(32 * 1024);
            if (!d.get("topic").asText().isEmpty()) {
                deadFromInputs.add(d.get("topic").asText() + "/"
                        + d.get("partition").asInt() + "/" + d.get("offset").asLong());
            }
        }
        assertThat(deadFromInputs).containsAll(expectedDead);

        for (Option<String> models : List.of(
                MailflowOptions.TOPIC_SEGMENT_MODELS,
                MailflowOptions.TOPIC_PROPENSITY_MODELS,
                MailflowOptions.TOPIC_SCORES,
                MailflowOptions.TOPIC_SEGMENTS)) {
            List<JsonNode> out = f.read(models);
            assertThat(out).as(f.topic(models)).isNotEmpty();
            out.forEach(AdversarialInputITCase::assertFiniteNumbers);
        }
        assertThat(f.read(MailflowOptions.TOPIC_SCORES))
                .allSatisfy(s -> assertThat(s.get("score").asDouble()).isBetween(0.0, 1.0));

        List<String> scanned = new ArrayList<>(logLines);
        dead.forEach(d -> scanned.add(d.toString()));
        assertThat(logLines).as("captured log lines").isNotEmpty();
        for (String line : scanned) {
            for (String domain : PROFILE_DOMAINS) {
                assertThat(line).as("a dead letter or log line").doesNotContain(domain);
            }
        }
    }

    /** Shoppers at the edge of what is valid: the largest price and quantity, plus ordinary ones. */
    private static void validShoppers(KafkaProducer<byte[], byte[]> p, String topic) throws Exception {
        long t = AdversarialCorpus.T;
        for (int u = 0; u < 12; u++) {
            String user = "adv-shopper-" + u;
            for (int s = 0; s < 3; s++) {
                long at = t + s * 3 * 3_600_000L + u * 1000L;
                String price = u % 3 == 0 ? "10000000" : "19.99";
                String quantity = u % 3 == 0 ? "10000" : "1";
                send(
                        p,
                        topic,
                        user,
                        "{\"eventId\":\"%s-%d-v\",\"userId\":\"%s\",\"type\":\"VIEW\",\"itemId\":\"sku-%d\",\"timestamp\":%d}"
                                .formatted(user, s, user, u, at));
                send(
                        p,
                        topic,
                        user,
                        ("{\"eventId\":\"%s-%d-c\",\"userId\":\"%s\",\"type\":\"ADD_TO_CART\",\"itemId\":\"sku-%d\","
                                        + "\"categoryId\":\"cat-%d\",\"price\":%s,\"quantity\":%s,\"timestamp\":%d}")
                                .formatted(user, s, user, u, u % 4, price, quantity, at + 60_000));
                if ((u + s) % 2 == 0) {
                    send(
                            p,
                            topic,
                            user,
                            ("{\"eventId\":\"%s-%d-p\",\"userId\":\"%s\",\"type\":\"PURCHASE\",\"itemId\":\"sku-%d\","
                                            + "\"price\":%s,\"quantity\":%s,\"timestamp\":%d}")
                                    .formatted(user, s, user, u, price, quantity, at + 120_000));
                }
            }
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, String key, String json) throws Exception {
        p.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)))
                .get();
    }

    private static void assertFiniteNumbers(JsonNode n) {
        if (n.isNumber()) {
            assertThat(Double.isFinite(n.asDouble()))
                    .as("number in model output")
                    .isTrue();
        } else if (n.isTextual()) {
            assertThat(n.asText()).as("text in model output").isNotIn("NaN", "Infinity", "-Infinity");
        } else {
            for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
                assertFiniteNumbers(it.next());
            }
        }
    }

    /** Captures every log event (message and exception) at INFO and above while open. */
    private static final class LogCapture implements AutoCloseable {
        private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
        private final AbstractAppender appender;
        private final Level previous;

        LogCapture(List<String> lines) {
            appender = new AbstractAppender("adversarial-capture", null, null, true, Property.EMPTY_ARRAY) {
                @Override
                public void append(LogEvent e) {
                    StringBuilder b = new StringBuilder(e.getMessage().getFormattedMessage());
                    for (Throwable t = e.getThrown(); t != null; t = t.getCause()) {
                        b.append(" | ").append(t);
                    }
                    lines.add(b.toString());
                }
            };
            appender.start();
            context.getConfiguration().addAppender(appender);
            context.getConfiguration().getRootLogger().addAppender(appender, Level.INFO, null);
            previous = context.getConfiguration().getRootLogger().getLevel();
            Configurator.setRootLevel(Level.INFO);
            context.updateLoggers();
        }

        @Override
        public void close() {
            Configurator.setRootLevel(previous);
            context.getConfiguration().getRootLogger().removeAppender(appender.getName());
            context.updateLoggers();
            appender.stop();
        }
    }
}
