package io.mailflow.job;

import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.io.JsonSerialization;
import io.mailflow.io.RawRecordDeserializer;
import io.mailflow.model.RawRecord;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Builds the job's Kafka sources and sinks from the configuration. */
public final class KafkaIO {
    private KafkaIO() {}

    /** A source of raw records; bounded to the topic's current end when {@code job.bounded} is set. */
    public static KafkaSource<RawRecord> rawSource(MailflowConfig config, String topic, String groupSuffix) {
        KafkaSourceBuilder<RawRecord> builder = KafkaSource.<RawRecord>builder()
                .setBootstrapServers(config.get(MailflowOptions.KAFKA_BOOTSTRAP))
                .setTopics(topic)
                .setGroupId(config.get(MailflowOptions.KAFKA_GROUP_ID) + groupSuffix)
                .setStartingOffsets(startingOffsets(config.get(MailflowOptions.KAFKA_START_FROM)))
                .setDeserializer(new RawRecordDeserializer())
                .setProperty("partition.discovery.interval.ms", "60000")
                .setProperties(security(config));
        if (config.get(MailflowOptions.BOUNDED)) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /** Where a source without restored state starts (option {@code kafka.start-from}). */
    static OffsetsInitializer startingOffsets(String startFrom) {
        return switch (startFrom) {
            case "committed" ->
                OffsetsInitializer.committedOffsets(org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST);
            case "earliest" -> OffsetsInitializer.earliest();
            case "latest" -> OffsetsInitializer.latest();
            default ->
                OffsetsInitializer.timestamp(java.time.Instant.parse(startFrom).toEpochMilli());
        };
    }

    /** TLS/SASL client properties: placeholders for the secrets, resolved by the client on the task managers. */
    static Properties security(MailflowConfig config) {
        return PipelineSettings.kafkaSecurity(config).applyTo(new Properties());
    }

    /**
     * A JSON sink keyed by {@code key}; at-least-once, since every consumer of these topics is idempotent by id.
     * Records are stamped with the time they are written, not with the event time of the stream (see
     * {@link WriteTimeRecords}).
     */
    public static <T> KafkaSink<T> jsonSink(MailflowConfig config, String topic, JsonSerialization.KeyOf<T> key) {
        Properties props = new Properties();
        props.setProperty("linger.ms", "20");
        props.setProperty("compression.type", "lz4");
        props.putAll(security(config));
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.get(MailflowOptions.KAFKA_BOOTSTRAP))
                .setKafkaProducerConfig(props)
                .setRecordSerializer(new WriteTimeRecords<>(topic, key))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /**
     * JSON records stamped with the time they are written (the producer's clock), never with the stream's
     * record timestamp. The event time a record is about is in its payload. A stream timestamp can be days ahead
     * (an input's allowed future skew, a hostile record's claimed time on its way to the dead letters) and a
     * broker refuses records stamped more than {@code log.message.timestamp.after.max.ms} ahead (one hour by
     * default since Kafka 4.0): the sink would fail the task, and the restart would write the same record again,
     * for ever. It can also be years behind (a replay), and time-based retention would delete such records at
     * once.
     */
    static final class WriteTimeRecords<T> implements KafkaRecordSerializationSchema<T> {
        private static final long serialVersionUID = 1L;

        private final String topic;
        private final JsonSerialization.KeyOf<T> key;
        private final JsonSerialization<T> value = new JsonSerialization<>();

        WriteTimeRecords(String topic, JsonSerialization.KeyOf<T> key) {
            this.topic = topic;
            this.key = key;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(topic, null, null, key.keyBytes(element), value.serialize(element));
        }
    }
}
