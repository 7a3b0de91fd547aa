package io.mailflow.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.io.Json;
import io.mailflow.job.MailflowJob;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.PipelineFixture;
import io.mailflow.testkit.EmbeddedKafka;
import io.mailflow.tools.cli.CampaignCli;
import io.mailflow.tools.ops.SavepointContents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Writes the savepoint of this release that {@link SavepointCompatibilityITCase} restores in every
 * later release. Disabled by default; run it once per release (see docs/operations.md):
 *
 * <pre>mvn -B -ntp test -Dtest=SavepointGeneratorTest -Dmailflow.generateSavepoint=true</pre>
 *
 * It runs the production job (Kafka sources and sinks, SMTP) at parallelism 2 on the first phase of
 * {@link ClusterScenario} with its abandoned-cart campaign (from {@code campaigns.file} and, so that the
 * trigger engine's broadcast state holds it, also published on the control topic), waits until the
 * first e-mails are out, q1's e-mail is deferred by the guardrails and both models have published, and
 * stops the job with a canonical savepoint, which it copies to
 * {@code src/test/resources/savepoints/<version>/} together with {@code expected.json}, what the
 * savepoint held when it was written.
 */
@EnabledIfSystemProperty(named = "mailflow.generateSavepoint", matches = "true")
class SavepointGeneratorTest {
    static final String CAMPAIGN = "classpath:campaigns/abandoned-cart.yaml";

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @Test
    void writeSavepointOfThisRelease() throws Exception {
        String version = System.getProperty("mailflow.version");
        Path target = Path.of("src/test/resources/savepoints", version);
        int ledger;
        long t0 = io.mailflow.testing.Events.BEGINNING;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            MailflowConfig.Builder b = MailflowConfig.builder()
                    .set("kafka.bootstrap-servers", kafka.bootstrapServers())
                    .set("smtp.host", "127.0.0.1")
                    .set("smtp.port", Integer.toString(SMTP.getSmtp().getPort()))
                    .linkSecret(PipelineFixture.LINK_SECRET); // in production MAILFLOW_LINK_SECRET on the task managers
            for (int i = 0; i < ClusterScenario.JOB_OPTIONS.length; i += 2) {
                b.set(ClusterScenario.JOB_OPTIONS[i], ClusterScenario.JOB_OPTIONS[i + 1]);
            }
            MailflowConfig config = b.build();
            kafka.createTopics(config);
            try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
                ClusterScenario.records(1, t0).forEach(p::send);
            }
            // The scenario's campaign comes from campaigns.file; publishing the same definition on the control
            // topic as well puts it into the trigger engine's broadcast state, which the savepoint then holds.
            assertThat(CampaignCli.run(
                            new String[] {
                                "publish",
                                CAMPAIGN,
                                "--bootstrap",
                                kafka.bootstrapServers(),
                                "--topic",
                                config.get(MailflowOptions.TOPIC_CAMPAIGNS)
                            },
                            System.out,
                            System.err))
                    .isZero();

            StreamExecutionEnvironment env = FlinkTestEnv.env();
            JobClient job = MailflowJob.start(env, config);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while ((SMTP.getReceivedMessages().length < 5
                            || kafka.readAll("mailflow.segment-models").isEmpty()
                            || kafka.readAll("mailflow.propensity-models").isEmpty()
                            || kafka.readAll(config.get(MailflowOptions.TOPIC_CAMPAIGN_STATUS))
                                    .isEmpty()
                            || !contains(
                                    kafka.readAll(config.get(MailflowOptions.TOPIC_CAMPAIGN_EVENTS)), "\"DEFERRED\""))
                    && System.nanoTime() < deadline) {
                Thread.sleep(250);
            }
            Thread.sleep(2000); // let everything the clock events trigger settle
            assertThat(SMTP.getReceivedMessages()).hasSize(5);
            assertThat(kafka.readAll(config.get(MailflowOptions.TOPIC_CAMPAIGN_STATUS)))
                    .as("campaign applied")
                    .isNotEmpty();
            ledger =
                    kafka.readAll(config.get(MailflowOptions.TOPIC_SEND_LEDGER)).size();
            Path written = Path.of(job.stopWithSavepoint(
                            false,
                            Path.of("target/savepoint-generator").toUri().toString(),
                            SavepointFormatType.CANONICAL)
                    .get()
                    .replace("file:", ""));

            deleteRecursively(target);
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(written)) {
                for (Path f : files.toList()) {
                    Files.copy(f, target.resolve(f.getFileName()));
                }
            }
        }
        SavepointContents c = SavepointContents.read(target.toAbsolutePath().toString());
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("version", version);
        expected.put("flinkVersion", org.apache.flink.runtime.util.EnvironmentInformation.getVersion());
        expected.put("t0", t0);
        expected.put("profiles", c.profiles().size());
        expected.put("suppressions", c.suppressions().size());
        expected.put("usersWithSeenIds", c.seenIds().size());
        expected.put("pendingTriggers", c.pendingTriggers().size());
        expected.put("campaigns", c.campaigns().size());
        expected.put(
                "guardrailSendLogs",
                c.guardrails().stream().filter(g -> !g.sent().isEmpty()).count());
        expected.put(
                "deferredSends",
                c.guardrails().stream().mapToLong(g -> g.deferred().size()).sum());
        expected.put("sendLedgerRecords", ledger); // in Kafka, not in the savepoint: for the record only
        expected.put("histories", c.histories().size());
        expected.put("featureSize", c.standardizers().get(0).mean().length);
        expected.put("kmeansVersion", c.kmeansTrainer().version());
        expected.put("kmeansServingVersion", c.kmeansServing().version());
        expected.put("ftrlVersion", c.ftrl().version());
        expected.put("ftrlExamples", c.ftrl().examples());
        expected.put("propensityServingVersion", c.propensityServing().version());
        Files.writeString(
                target.resolve("expected.json"),
                Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(expected));
        System.out.println("savepoint of " + version + " written to " + target + ": " + expected);
    }

    private static boolean contains(
            java.util.List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records, String text) {
        return records.stream()
                .anyMatch(r -> new String(r.value(), java.nio.charset.StandardCharsets.UTF_8).contains(text));
    }

    private static void deleteRecursively(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
