package io.mailflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.mailflow.config.MailflowOptions;
import io.mailflow.job.MailflowJob;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.PipelineFixture;
import io.mailflow.testing.Scenario;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dry runs, per campaign ({@code dryRun: true}) and for the whole job ({@code job.dry-run}): every request is
 * decided and rendered as usual, its decision goes to the decisions topic with the rendered subject, and no
 * e-mail reaches the SMTP server.
 */
class DryRunITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void aDryRunCampaignDecidesAndRendersButSendsNothing() throws Exception {
        PipelineFixture fixture = run("dry1", "campaigns.file", "classpath:campaigns/dry-run.yaml");
        assertDecidedNotSent(fixture);
        // the definition's version 2, published on the control topic, is applied by every instance: as a dry run
        List<JsonNode> status = fixture.read(MailflowOptions.TOPIC_CAMPAIGN_STATUS);
        assertThat(status)
                .extracting(
                        s -> s.path("status").asText() + " " + s.path("dryRun").asBoolean())
                .containsOnly("ACTIVE true")
                .hasSize(FlinkTestEnv.PARALLELISM);
    }

    @Test
    void aDryRunJobSendsNothing() throws Exception {
        PipelineFixture fixture = runWithControlDocument("dry2", false, "job.dry-run", "true");
        assertDecidedNotSent(fixture);
        // the definition on the control topic is not a dry run, the job is: its status says so
        assertThat(fixture.read(MailflowOptions.TOPIC_CAMPAIGN_STATUS))
                .extracting(
                        s -> s.path("status").asText() + " " + s.path("dryRun").asBoolean())
                .containsOnly("ACTIVE true")
                .hasSize(FlinkTestEnv.PARALLELISM);
    }

    private static PipelineFixture run(String prefix, String... overrides) throws Exception {
        return runWithControlDocument(prefix, true, overrides);
    }

    private static PipelineFixture runWithControlDocument(String prefix, boolean dryRunDocument, String... overrides)
            throws Exception {
        String[] all = new String[overrides.length + 4];
        all[0] = "guardrails.quiet-hours-start";
        all[1] = "0ms";
        all[2] = "guardrails.quiet-hours-end";
        all[3] = "0ms";
        System.arraycopy(overrides, 0, all, 4, overrides.length);
        PipelineFixture fixture =
                PipelineFixture.create(KAFKA.broker(), prefix, SMTP.getSmtp().getPort(), all);
        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            String doc = "id: abandoned-cart\nversion: 2\ntrigger: {type: abandoned-cart, delay: 1h}\n"
                    + "variants: [{id: A, template: abandoned-cart}]\n" + (dryRunDocument ? "dryRun: true\n" : "");
            p.send(new ProducerRecord<>(
                    fixture.config().get(MailflowOptions.TOPIC_CAMPAIGNS),
                    "abandoned-cart".getBytes(StandardCharsets.UTF_8),
                    doc.getBytes(StandardCharsets.UTF_8)));
        }
        new Scenario()
                .abandoner(prefix + "-ann", prefix + "-ann@example.com", "Ann", "en")
                .publish(KAFKA.broker(), fixture.config());
        StreamExecutionEnvironment env = FlinkTestEnv.env();
        MailflowJob.define(env, fixture.config());
        env.execute("dry-run-" + prefix);
        return fixture;
    }

    private static void assertDecidedNotSent(PipelineFixture fixture) throws Exception {
        List<JsonNode> decisions = fixture.read(MailflowOptions.TOPIC_DECISIONS);
        assertThat(decisions).hasSize(1);
        JsonNode d = decisions.get(0);
        assertThat(d.path("decision").asText()).isEqualTo("SEND");
        assertThat(d.path("campaignId").asText()).isEqualTo("abandoned-cart");
        assertThat(d.path("subject").asText()).isEqualTo("Ann, you left 1 item in your cart");
        assertThat(d.toString()).doesNotContain("@example.com");
        assertThat(fixture.read(MailflowOptions.TOPIC_SEND_RESULTS)).isEmpty();
        assertThat(SMTP.getReceivedMessages()).isEmpty();
        assertThat(fixture.read(MailflowOptions.TOPIC_CAMPAIGN_EVENTS))
                .extracting(
                        e -> e.path("outcome").asText() + " " + e.path("dryRun").asBoolean())
                .containsExactly("RELEASED true");
    }
}
