package io.mailflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.config.MailflowConfig;
import io.mailflow.io.Json;
import io.mailflow.testkit.EmbeddedKafka;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Topics and configuration for running the production topology against an embedded broker. */
public final class PipelineFixture {
    /** The link-signing secret of test jobs (in production it comes from MAILFLOW_LINK_SECRET). */
    public static final String LINK_SECRET = "test-link-secret-0123456789";

    /** One campaign equivalent to the walking skeleton's hard-wired abandoned-cart trigger. */
    public static final String ABANDONED_CART_ONLY = "classpath:campaigns/abandoned-cart.yaml";

    private final EmbeddedKafka kafka;
    private final MailflowConfig config;

    private PipelineFixture(EmbeddedKafka kafka, MailflowConfig config) {
        this.kafka = kafka;
        this.config = config;
    }

    /** A bounded job whose topics are prefixed with {@code prefix}, sending to SMTP on {@code smtpPort}. */
    public static PipelineFixture create(EmbeddedKafka kafka, String prefix, int smtpPort, String... overrides)
            throws Exception {
        MailflowConfig.Builder b = MailflowConfig.builder()
                .linkSecret(LINK_SECRET)
                .set("kafka.bootstrap-servers", kafka.bootstrapServers())
                .set("kafka.group-id", prefix)
                .set("topic.events", prefix + ".events")
                .set("topic.profiles", prefix + ".profiles")
                .set("topic.sessions", prefix + ".sessions")
                .set("topic.send-results", prefix + ".send-results")
                .set("topic.dead-letters", prefix + ".dead-letters")
                .set("topic.late-events", prefix + ".late-events")
                .set("topic.suppressions", prefix + ".suppressions")
                .set("topic.send-ledger", prefix + ".send-ledger")
                .set("topic.delivery-audit", prefix + ".delivery-audit")
                .set("topic.segments", prefix + ".segments")
                .set("topic.segment-models", prefix + ".segment-models")
                .set("topic.scores", prefix + ".scores")
                .set("topic.propensity-models", prefix + ".propensity-models")
                .set("topic.model-metrics", prefix + ".model-metrics")
                .set("topic.engagement", prefix + ".engagement")
                .set("topic.campaign-stats", prefix + ".campaign-stats")
                .set("topic.campaign-stats-dp", prefix + ".campaign-stats-dp")
                .set("topic.engagement-features", prefix + ".engagement-features")
                .set("topic.campaigns", prefix + ".campaigns")
                .set("topic.campaign-status", prefix + ".campaign-status")
                .set("topic.campaign-events", prefix + ".campaign-events")
                .set("topic.decisions", prefix + ".decisions")
                // the walking skeleton's abandoned-cart behaviour, unless a test overrides campaigns.file
                .set("campaigns.file", ABANDONED_CART_ONLY)
                .set("job.bounded", "true")
                // these tests assert the decisions after every pending timer fired (a cart abandoned by the last
                // event still e-mailed); a replay of history stops at its last event (job.end-of-input)
                .set("job.end-of-input", "end-of-time")
                .set("smtp.host", "127.0.0.1")
                .set("smtp.port", Integer.toString(smtpPort));
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            b.set(overrides[i], overrides[i + 1]);
        }
        MailflowConfig config = b.build();
        kafka.createTopics(config);
        return new PipelineFixture(kafka, config);
    }

    public MailflowConfig config() {
        return config;
    }

    public String topic(io.mailflow.config.Option<String> topicOption) {
        return config.get(topicOption);
    }

    /** Every record of a topic as written (keys, values, tombstones). */
    public List<ConsumerRecord<byte[], byte[]>> readRaw(io.mailflow.config.Option<String> topicOption)
            throws Exception {
        return kafka.readAll(config.get(topicOption));
    }

    /** Every record of an output topic, parsed as JSON. */
    public List<JsonNode> read(io.mailflow.config.Option<String> topicOption) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(config.get(topicOption))) {
            out.add(Json.mapper().readTree(r.value()));
        }
        return out;
    }
}
