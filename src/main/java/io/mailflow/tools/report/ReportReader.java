package io.mailflow.tools.report;

import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.feedback.CampaignStats;
import io.mailflow.feedback.DpCampaignStats;
import io.mailflow.io.Json;
import io.mailflow.job.PipelineSettings;
import io.mailflow.model.SendResult;
import io.mailflow.scoring.ValidationMetrics;
import io.mailflow.segmentation.SegmentAssignment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the job's output topics from the beginning to their current end (without a consumer group,
 * so it never moves anyone's offsets) into {@link ReportData}. Records that do not parse are skipped
 * and counted in the report's source line.
 */
public final class ReportReader {
    private final MailflowConfig config;
    private int skipped;

    public ReportReader(MailflowConfig config) {
        this.config = config;
    }

    public ReportData read() {
        List<CampaignStats> stats = read(MailflowOptions.TOPIC_CAMPAIGN_STATS, CampaignStats.class);
        List<SegmentAssignment> segments = read(MailflowOptions.TOPIC_SEGMENTS, SegmentAssignment.class);
        List<ValidationMetrics> validation = read(MailflowOptions.TOPIC_MODEL_METRICS, ValidationMetrics.class);
        List<SendResult> results = read(MailflowOptions.TOPIC_SEND_RESULTS, SendResult.class);
        List<DpCampaignStats> dp = config.get(MailflowOptions.DP_ENABLED)
                ? read(MailflowOptions.TOPIC_CAMPAIGN_STATS_DP, DpCampaignStats.class)
                : List.of();
        String source = "Kafka at " + config.get(MailflowOptions.KAFKA_BOOTSTRAP) + " ("
                + config.get(MailflowOptions.TOPIC_CAMPAIGN_STATS)
                + ", " + config.get(MailflowOptions.TOPIC_SEGMENTS) + ", "
                + config.get(MailflowOptions.TOPIC_MODEL_METRICS) + ", "
                + config.get(MailflowOptions.TOPIC_SEND_RESULTS)
                + (config.get(MailflowOptions.DP_ENABLED)
                        ? ", " + config.get(MailflowOptions.TOPIC_CAMPAIGN_STATS_DP)
                        : "")
                + (skipped > 0 ? "; " + skipped + " unreadable records skipped" : "") + ")";
        return new ReportData(stats, segments, validation, results, source, dp);
    }

    private <T> List<T> read(io.mailflow.config.Option<String> topicOption, Class<T> type) {
        String topic = config.get(topicOption);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(MailflowOptions.KAFKA_BOOTSTRAP));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        PipelineSettings.kafkaSecurity(config).applyTo(p);
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                return out;
            }
            List<TopicPartition> parts = infos.stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    try {
                        out.add(Json.mapper().readValue(r.value(), type));
                    } catch (Exception e) {
                        skipped++;
                    }
                }
            }
        }
        return out;
    }
}
