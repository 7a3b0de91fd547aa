package io.mailflow.job;

import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.delivery.SmtpMailClient;
import io.mailflow.delivery.SmtpSettings;
import io.mailflow.io.KafkaIO;
import io.mailflow.campaigns.CampaignStatus;
import io.mailflow.model.CampaignEvent;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.Event;
import io.mailflow.model.SendResult;
import io.mailflow.model.SessionSummary;
import io.mailflow.scoring.LogRegModel;
import io.mailflow.scoring.PropensityScore;
import io.mailflow.scoring.ValidationMetrics;
import io.mailflow.segmentation.KMeansModel;
import io.mailflow.segmentation.SegmentAssignment;
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
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        define(env, config);
        env.execute("mailflow");
    }

    /** Builds the production topology (Kafka in and out, SMTP) on {@code env}. */
    public static void define(StreamExecutionEnvironment env, MailflowConfig config) {
        MailflowTopology.build(env, config, kafkaSources(config), kafkaSinks(config), mailClients(config));
    }

    public static JobClient start(StreamExecutionEnvironment env, MailflowConfig config) throws Exception {
        define(env, config);
        return env.executeAsync("mailflow");
    }

    static MailflowSources kafkaSources(MailflowConfig c) {
        return new MailflowSources(
                KafkaIO.rawSource(c, c.get(MailflowOptions.TOPIC_EVENTS), ""),
                KafkaIO.rawSource(c, c.get(MailflowOptions.TOPIC_PROFILES), "-profiles"),
                KafkaIO.rawSource(c, c.get(MailflowOptions.TOPIC_CAMPAIGNS), "-campaigns"));
    }

    static MailflowSinks kafkaSinks(MailflowConfig c) {
        return new MailflowSinks(
                s -> s.sinkTo(KafkaIO.<SessionSummary>jsonSink(c, c.get(MailflowOptions.TOPIC_SESSIONS), SessionSummary::userId))
                        .uid(Uids.SESSIONS_SINK).name("sessions to Kafka"),
                s -> s.sinkTo(KafkaIO.<SendResult>jsonSink(c, c.get(MailflowOptions.TOPIC_SEND_RESULTS), SendResult::userId))
                        .uid(Uids.SEND_RESULTS_SINK).name("send results to Kafka"),
                s -> s.sinkTo(KafkaIO.<DeadLetter>jsonSink(c, c.get(MailflowOptions.TOPIC_DEAD_LETTERS), DeadLetter::stage))
                        .uid(Uids.DEAD_LETTERS_SINK).name("dead letters to Kafka"),
                s -> s.sinkTo(KafkaIO.<Event>jsonSink(c, c.get(MailflowOptions.TOPIC_LATE_EVENTS), Event::userId))
                        .uid(Uids.LATE_EVENTS_SINK).name("late events to Kafka"),
                m -> {
                    m.segments().sinkTo(KafkaIO.<SegmentAssignment>jsonSink(c, c.get(MailflowOptions.TOPIC_SEGMENTS), SegmentAssignment::userId))
                            .uid(Uids.SEGMENTS_SINK).name("segments to Kafka");
                    m.kmeansModels().sinkTo(KafkaIO.<KMeansModel>jsonSink(c, c.get(MailflowOptions.TOPIC_SEGMENT_MODELS), k -> "kmeans"))
                            .setParallelism(1).uid(Uids.SEGMENT_MODELS_SINK).name("k-means models to Kafka");
                    m.scores().sinkTo(KafkaIO.<PropensityScore>jsonSink(c, c.get(MailflowOptions.TOPIC_SCORES), PropensityScore::userId))
                            .uid(Uids.SCORES_SINK).name("scores to Kafka");
                    m.propensityModels().sinkTo(KafkaIO.<LogRegModel>jsonSink(c, c.get(MailflowOptions.TOPIC_PROPENSITY_MODELS), k -> "propensity"))
                            .setParallelism(1).uid(Uids.PROPENSITY_MODELS_SINK).name("propensity models to Kafka");
                    m.validation().sinkTo(KafkaIO.<ValidationMetrics>jsonSink(c, c.get(MailflowOptions.TOPIC_MODEL_METRICS), k -> "propensity"))
                            .setParallelism(1).uid(Uids.MODEL_METRICS_SINK).name("model metrics to Kafka");
                },
                s -> s.sinkTo(KafkaIO.<CampaignStatus>jsonSink(c, c.get(MailflowOptions.TOPIC_CAMPAIGN_STATUS), CampaignStatus::campaignId))
                        .uid(Uids.CAMPAIGN_STATUS_SINK).name("campaign status to Kafka"),
                s -> s.sinkTo(KafkaIO.<CampaignEvent>jsonSink(c, c.get(MailflowOptions.TOPIC_CAMPAIGN_EVENTS), CampaignEvent::userId))
                        .uid(Uids.CAMPAIGN_EVENTS_SINK).name("campaign events to Kafka"));
    }

    static io.mailflow.delivery.MailClientFactory mailClients(MailflowConfig c) {
        SmtpSettings smtp = SmtpSettings.from(c);
        return () -> new SmtpMailClient(smtp);
    }
}
