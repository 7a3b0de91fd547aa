package io.mailflow.delivery;

import io.mailflow.io.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A send ledger kept in a compacted Kafka topic keyed by request id.
 *
 * <p>On open, the sender instance reads the whole topic into memory (ids of requests accepted within the
 * retention window); every acceptance is appended synchronously ({@code acks=all}, waited for) before the
 * sender completes the request, so the record exists before any checkpoint could include the result.
 * After a crash and restore, the replayed requests find their ids and are skipped.
 *
 * <p>What remains: a crash between the SMTP server's "250 OK" and the ledger write being acknowledged
 * (one Kafka round trip, milliseconds) sends that message again after the restart. Entries older than
 * {@code retention} are forgotten; requests are not replayed from that far back.
 */
public final class KafkaSendLedger implements SendLedger {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final long retentionMs;
    private final long writeTimeoutMs;
    private final Map<String, Long> sent = new ConcurrentHashMap<>();
    private final Map<String, Boolean> inFlight = new ConcurrentHashMap<>();

    /** A ledger entry as stored in the topic (value; the key is the request id). */
    public record Entry(String requestId, String messageId, long acceptedAt) {}

    public KafkaSendLedger(String bootstrapServers, String topic, Duration retention, Duration writeTimeout) {
        this.topic = topic;
        this.retentionMs = retention.toMillis();
        this.writeTimeoutMs = writeTimeout.toMillis();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        load(bootstrapServers);
    }

    private void load(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        long horizon = System.currentTimeMillis() - retentionMs;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(pi -> new TopicPartition(topic, pi.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        continue;
                    }
                    Entry e = Json.mapper().readValue(r.value(), Entry.class);
                    if (e.acceptedAt() >= horizon) {
                        sent.put(e.requestId(), e.acceptedAt());
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Cannot read the send ledger topic " + topic, e);
        }
    }

    /** How many accepted requests the ledger currently remembers. */
    public int size() {
        return sent.size();
    }

    @Override
    public boolean tryClaim(String requestId) {
        if (sent.containsKey(requestId)) {
            return false;
        }
        return inFlight.putIfAbsent(requestId, Boolean.TRUE) == null && !sent.containsKey(requestId);
    }

    @Override
    public void recordSent(String requestId, String messageId, long acceptedAt) throws Exception {
        try {
            producer.send(new ProducerRecord<>(topic, requestId.getBytes(StandardCharsets.UTF_8),
                            Json.toBytes(new Entry(requestId, messageId, acceptedAt))))
                    .get(writeTimeoutMs, TimeUnit.MILLISECONDS);
        } finally {
            sent.put(requestId, acceptedAt);
            inFlight.remove(requestId);
            evictOld(acceptedAt);
        }
    }

    @Override
    public void release(String requestId) {
        inFlight.remove(requestId);
    }

    private void evictOld(long now) {
        if (sent.size() % 10_000 == 0) {
            long horizon = now - retentionMs;
            sent.values().removeIf(t -> t < horizon);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
