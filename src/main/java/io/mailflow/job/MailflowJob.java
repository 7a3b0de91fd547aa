package io.mailflow.job;

import io.mailflow.campaigns.VariantTotal;
import io.mailflow.common.Uids;
import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.delivery.KafkaSendLedger;
import io.mailflow.delivery.MailClientFactory;
import io.mailflow.delivery.SendLedgerFactory;
import io.mailflow.delivery.SendOutcomeFunction;
import io.mailflow.delivery.SmtpMailClient;
import io.mailflow.delivery.SmtpSettings;
import io.mailflow.email.EspHeaders;
import io.mailflow.feedback.CampaignStats;
import io.mailflow.feedback.DpCampaignStats;
import io.mailflow.feedback.EngagementFeatures;
import io.mailflow.model.CampaignEvent;
import io.mailflow.model.CampaignStatus;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.DryRunDecision;
import io.mailflow.model.Event;
import io.mailflow.model.SendResult;
import io.mailflow.model.SessionSummary;
import io.mailflow.model.Suppression;
import io.mailflow.scoring.CampaignUpliftModel;
import io.mailflow.scoring.LogRegModel;
import io.mailflow.scoring.PropensityScore;
import io.mailflow.scoring.ValidationMetrics;
import io.mailflow.segmentation.KMeansModel;
import io.mailflow.segmentation.SegmentAssignment;
import java.time.Duration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point: reads the configuration, wires Kafka and SMTP, and builds {@link MailflowTopology}.
 *
 * <pre>flink run -d mailflow.jar --config job.yaml --kafka.bootstrap-servers broker:9092</pre>
 */
public final class MailflowJob {
    private MailflowJob() {}

    public static void main(String[] args) throws Exception {
        MailflowConfig config = MailflowConfig.fromArgs(args);
        requireLinkSecret(config);
        requirePseudonymKey(config);
        requireMasterKey(config);
        // Fails at submission when a Kafka secret the security options need is missing (names only, never values).
        PipelineSettings.kafkaSecurity(config).requireEnvironment(System::getenv);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        define(env, config);
        env.execute("mailflow");
    }

    /** Fails at submission, not at the first e-mail, when the link-signing secret is missing. */
    static void requireLinkSecret(MailflowConfig config) {
        String secret =
                config.linkSecret().isEmpty() ? System.getenv(MailflowOptions.LINK_SECRET_ENV) : config.linkSecret();
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("Set the environment variable " + MailflowOptions.LINK_SECRET_ENV
                    + " to a secret of at least 16 characters (on the client and the task managers): it signs"
                    + " unsubscribe and tracked links.");
        }
    }

    /** Fails at submission, not when the first record is read, when pseudonyms are on without a usable key. */
    static void requirePseudonymKey(MailflowConfig config) {
        PipelineSettings.pseudonyms(config).open(System::getenv);
    }

    /** Fails at submission when encryption is on without a usable master key (the variable's name, never a value). */
    static void requireMasterKey(MailflowConfig config) {
        if (config.get(MailflowOptions.ENCRYPTION_ENABLED)) {
            io.mailflow.privacy.LocalKeyManagementService.fromEnvironment(
                    config.get(MailflowOptions.ENCRYPTION_MASTER_KEY_ID),
                    v -> v.equals(MailflowOptions.MASTER_KEY_ENV)
                                    && !config.masterKey().isEmpty()
                            ? config.masterKey()
                            : System.getenv(v));
        }
    }

    /** Builds the production topology (Kafka in and out, SMTP) on {@code env}. */
    public static void define(StreamExecutionEnvironment env, MailflowConfig config) {
        MailflowTopology.build(env, config, kafkaSources(config), kafkaSinks(config), delivery(config));
    }

    public static JobClient start(StreamExecutionEnvironment env, MailflowConfig config) throws Exception {
        define(env, config);
        return env.executeAsync("mailflow");
    }

    public static MailflowSources kafkaSources(MailflowConfig c) {
        return new MailflowSources(
                KafkaIO.rawSource(c, c.get(MailflowOptions.TOPIC_EVENTS), ""),
                KafkaIO.rawSource(c, c.get(MailflowOptions.TOPIC_PROFILES), "-profiles"),
                KafkaIO.rawSource(c, c.get(MailflowOptions.TOPIC_SUPPRESSIONS), "-suppressions"),
                KafkaIO.rawSource(c, c.get(MailflowOptions.TOPIC_ENGAGEMENT), "-engagement"),
                KafkaIO.rawSource(c, c.get(MailflowOptions.TOPIC_CAMPAIGNS), "-campaigns"),
                c.get(MailflowOptions.TOPIC_CATALOG).isEmpty()
                        ? null
                        : KafkaIO.rawSource(c, c.get(MailflowOptions.TOPIC_CATALOG), "-catalog"),
                c.get(MailflowOptions.TOPIC_VARIANT_STATS).isEmpty()
                        ? null
                        : KafkaIO.rawSource(c, c.get(MailflowOptions.TOPIC_VARIANT_STATS), "-variant-stats"),
                c.get(MailflowOptions.TOPIC_UPLIFT_MODELS).isEmpty()
                        ? null
                        : KafkaIO.rawSource(c, c.get(MailflowOptions.TOPIC_UPLIFT_MODELS), "-uplift-models"));
    }

    public static MailflowSinks kafkaSinks(MailflowConfig c) {
        return new MailflowSinks(
                s -> s.sinkTo(KafkaIO.<SessionSummary>jsonSink(
                                c, c.get(MailflowOptions.TOPIC_SESSIONS), SessionSummary::userId))
                        .uid(Uids.SESSIONS_SINK)
                        .name("sessions to Kafka"),
                s -> s.sinkTo(KafkaIO.<SendResult>jsonSink(
                                c, c.get(MailflowOptions.TOPIC_SEND_RESULTS), SendResult::userId))
                        .uid(Uids.SEND_RESULTS_SINK)
                        .name("send results to Kafka"),
                s -> s.sinkTo(KafkaIO.<DeadLetter>jsonSink(
                                c, c.get(MailflowOptions.TOPIC_DEAD_LETTERS), DeadLetter::stage))
                        .uid(Uids.DEAD_LETTERS_SINK)
                        .name("dead letters to Kafka"),
                s -> s.sinkTo(KafkaIO.<Event>jsonSink(c, c.get(MailflowOptions.TOPIC_LATE_EVENTS), Event::userId))
                        .uid(Uids.LATE_EVENTS_SINK)
                        .name("late events to Kafka"),
                s -> s.sinkTo(KafkaIO.<Suppression>jsonSink(
                                c, c.get(MailflowOptions.TOPIC_SUPPRESSIONS), Suppression::userId))
                        .uid(Uids.SUPPRESSIONS_SINK)
                        .name("suppressions to Kafka"),
                s -> s.sinkTo(KafkaIO.<SendOutcomeFunction.AuditRecord>jsonSink(
                                c,
                                c.get(MailflowOptions.TOPIC_DELIVERY_AUDIT),
                                SendOutcomeFunction.AuditRecord::requestId))
                        .uid(Uids.AUDIT_SINK)
                        .name("delivery audit to Kafka"),
                m -> {
                    m.segments()
                            .sinkTo(KafkaIO.<SegmentAssignment>jsonSink(
                                    c, c.get(MailflowOptions.TOPIC_SEGMENTS), SegmentAssignment::userId))
                            .uid(Uids.SEGMENTS_SINK)
                            .name("segments to Kafka");
                    m.kmeansModels()
                            .sinkTo(KafkaIO.<KMeansModel>jsonSink(
                                    c, c.get(MailflowOptions.TOPIC_SEGMENT_MODELS), k -> "kmeans"))
                            .setParallelism(1)
                            .uid(Uids.SEGMENT_MODELS_SINK)
                            .name("k-means models to Kafka");
                    m.scores()
                            .sinkTo(KafkaIO.<PropensityScore>jsonSink(
                                    c, c.get(MailflowOptions.TOPIC_SCORES), PropensityScore::userId))
                            .uid(Uids.SCORES_SINK)
                            .name("scores to Kafka");
                    m.propensityModels()
                            .sinkTo(KafkaIO.<LogRegModel>jsonSink(
                                    c, c.get(MailflowOptions.TOPIC_PROPENSITY_MODELS), k -> "propensity"))
                            .setParallelism(1)
                            .uid(Uids.PROPENSITY_MODELS_SINK)
                            .name("propensity models to Kafka");
                    m.validation()
                            .sinkTo(KafkaIO.<ValidationMetrics>jsonSink(
                                    c, c.get(MailflowOptions.TOPIC_MODEL_METRICS), k -> "propensity"))
                            .setParallelism(1)
                            .uid(Uids.MODEL_METRICS_SINK)
                            .name("model metrics to Kafka");
                },
                f -> {
                    f.campaignStats()
                            .sinkTo(KafkaIO.<CampaignStats>jsonSink(
                                    c, c.get(MailflowOptions.TOPIC_CAMPAIGN_STATS), CampaignStats::campaignId))
                            .uid(Uids.CAMPAIGN_STATS_SINK)
                            .name("campaign statistics to Kafka");
                    f.engagementFeatures()
                            .sinkTo(KafkaIO.<EngagementFeatures>jsonSink(
                                    c, c.get(MailflowOptions.TOPIC_ENGAGEMENT_FEATURES), EngagementFeatures::userId))
                            .uid(Uids.ENGAGEMENT_FEATURES_SINK)
                            .name("engagement features to Kafka");
                    f.dpCampaignStats()
                            .ifPresent(dp -> dp.sinkTo(KafkaIO.<DpCampaignStats>jsonSink(
                                            c,
                                            c.get(MailflowOptions.TOPIC_CAMPAIGN_STATS_DP),
                                            DpCampaignStats::campaignId))
                                    .uid(Uids.CAMPAIGN_STATS_DP_SINK)
                                    .name("DP campaign statistics to Kafka"));
                },
                s -> s.sinkTo(KafkaIO.<CampaignStatus>jsonSink(
                                c, c.get(MailflowOptions.TOPIC_CAMPAIGN_STATUS), CampaignStatus::campaignId))
                        .uid(Uids.CAMPAIGN_STATUS_SINK)
                        .name("campaign status to Kafka"),
                s -> s.sinkTo(KafkaIO.<CampaignEvent>jsonSink(
                                c, c.get(MailflowOptions.TOPIC_CAMPAIGN_EVENTS), CampaignEvent::userId))
                        .uid(Uids.CAMPAIGN_EVENTS_SINK)
                        .name("campaign events to Kafka"),
                s -> s.sinkTo(KafkaIO.<DryRunDecision>jsonSink(
                                c, c.get(MailflowOptions.TOPIC_DECISIONS), DryRunDecision::userId))
                        .uid(Uids.DECISIONS_SINK)
                        .name("dry-run decisions to Kafka"),
                // at-least-once is enough: a total is absolute and versioned, its reader keeps the highest version
                s -> s.sinkTo(KafkaIO.<VariantTotal>jsonSink(
                                c, c.get(MailflowOptions.TOPIC_VARIANT_STATS), VariantTotal::key))
                        .uid(Uids.VARIANT_TOTALS_SINK)
                        .name("variant totals to Kafka"),
                // at-least-once is enough: a model is versioned, its reader keeps the highest version
                s -> s.sinkTo(KafkaIO.<CampaignUpliftModel>jsonSink(
                                c, c.get(MailflowOptions.TOPIC_UPLIFT_MODELS), CampaignUpliftModel::campaignId))
                        .uid(Uids.UPLIFT_MODELS_SINK)
                        .name("uplift models to Kafka"));
    }

    /** SMTP with the configured relay, and the Kafka send ledger unless disabled. */
    public static MailflowTopology.Delivery delivery(MailflowConfig c) {
        SmtpSettings smtp = PipelineSettings.smtp(c);
        EspHeaders esp = PipelineSettings.espHeaders(c);
        SmtpMailClient.MimeWriter writer = c.get(MailflowOptions.SMTP_MIME_WRITER);
        boolean pipelining = c.get(MailflowOptions.SMTP_PIPELINING);
        MailClientFactory clients = () -> new SmtpMailClient(smtp, esp, writer, pipelining);
        return new MailflowTopology.Delivery(clients, ledger(c));
    }

    public static SendLedgerFactory ledger(MailflowConfig c) {
        if (c.get(MailflowOptions.DELIVERY_LEDGER) == MailflowOptions.Ledger.NONE) {
            return SendLedgerFactory.none();
        }
        String bootstrap = c.get(MailflowOptions.KAFKA_BOOTSTRAP);
        String topic = c.get(MailflowOptions.TOPIC_SEND_LEDGER);
        Duration retention = c.get(MailflowOptions.LEDGER_RETENTION);
        Duration timeout = c.get(MailflowOptions.SMTP_TIMEOUT);
        java.util.Map<String, String> security =
                PipelineSettings.kafkaSecurity(c).clientProperties();
        return () -> new KafkaSendLedger(bootstrap, topic, retention, timeout, security);
    }
}
