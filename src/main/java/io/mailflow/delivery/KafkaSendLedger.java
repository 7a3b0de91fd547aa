package io.mailflow.delivery;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.mailflow.io.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A send ledger kept in a compacted Kafka topic keyed by request id: the latest record per request says
 * {@code INTENT} (written, acknowledged by the broker, before the first SMTP attempt) or {@code SENT}
 * (written after the server's "250", before the result is released downstream); a tombstone clears an
 * intent whose request definitely was not sent.
 *
 * <p>{@link #restore} reads the topic once, keeps only the entries of the sender instance's own users
 * (their key group, see {@link SendLedger.Shard}) and only those younger than the retention: memory per
 * instance is its share of one retention period. A record that cannot be read is skipped and counted
 * ({@link #malformedRecords()}); the log names its partition and offset, never its content. After a crash
 * and restore, a replayed request finds {@code SENT} (skip), {@code INTENT} (ambiguous: the caller's
 * policy decides) or nothing (send).
 */
public final class KafkaSendLedger implements SendLedger {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSendLedger.class);
    static final String INTENT = "INTENT";
    static final String SENT = "SENT";

    /** Replaced by a new one after a failed write (see {@link #write}); never null. */
    private volatile KafkaProducer<byte[], byte[]> producer;

    private final String bootstrapServers;
    private final String topic;
    private final long retentionMs;
    private final long writeTimeoutMs;
    private final Map<String, String> clientProperties;
    /** requestId -> the time of its latest record; SENT entries and INTENT entries kept apart. */
    private final Map<String, Long> sent = new ConcurrentHashMap<>();

    private final Map<String, Long> intents = new ConcurrentHashMap<>();
    /** Names this instance in the records it writes (see {@link Entry#writer}); nothing personal. */
    private final String writer = Long.toHexString(new java.security.SecureRandom().nextLong());

    private final Map<String, Boolean> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong producerRenewals = new AtomicLong();
    private boolean closed;

    /**
     * A ledger record as stored in the topic (value; the key is the request id). Records written before
     * intents existed have no state and {@code acceptedAt} instead of {@code at}: they read as SENT.
     *
     * @param writer the ledger instance that wrote it (random per sender start; null in older records): two
     *     intents of one request from the same writer are one write retried, from two writers a restart
     */
    public record Entry(
            String requestId,
            String userId,
            String messageId,
            String state,
            @JsonAlias("acceptedAt") long at,
            String writer) {
        public Entry(String requestId, String userId, String messageId, String state, long at) {
            this(requestId, userId, messageId, state, at, null);
        }
    }

    public KafkaSendLedger(String bootstrapServers, String topic, Duration retention, Duration writeTimeout) {
        this(bootstrapServers, topic, retention, writeTimeout, Map.of());
    }

    /**
     * @param clientProperties security properties added to the producer and the restoring consumer
     *     ({@link io.mailflow.io.KafkaSecurity#clientProperties()}: secrets as environment placeholders)
     */
    public KafkaSendLedger(
            String bootstrapServers,
            String topic,
            Duration retention,
            Duration writeTimeout,
            Map<String, String> clientProperties) {
        this.clientProperties = Map.copyOf(clientProperties);
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.retentionMs = retention.toMillis();
        this.writeTimeoutMs = writeTimeout.toMillis();
        this.producer = newProducer();
    }

    private KafkaProducer<byte[], byte[]> newProducer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        // A write that cannot complete within the write timeout must fail, not block the sender thread.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(writeTimeoutMs));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putAll(clientProperties);
        return new KafkaProducer<>(p);
    }

    @Override
    public void restore(Shard shard) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.putAll(clientProperties);
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
                    apply(r, shard, horizon);
                }
            }
        }
        LOG.info(
                "Send ledger {} restored for subtask {}/{}: {} sent, {} ambiguous intents, {} malformed records skipped",
                topic,
                shard.subtask(),
                shard.parallelism(),
                sent.size(),
                intents.size(),
                malformed.get());
    }

    private void apply(ConsumerRecord<byte[], byte[]> r, Shard shard, long horizon) {
        if (r.value() == null) { // tombstone: the intent's request was definitely not sent
            if (r.key() != null) {
                String id = new String(r.key(), StandardCharsets.UTF_8);
                intents.remove(id);
                sent.remove(id);
            }
            return;
        }
        Entry e;
        try {
            e = Json.mapper().readValue(r.value(), Entry.class);
        } catch (Exception | StackOverflowError ex) {
            e = null;
        }
        if (e == null || e.requestId() == null || e.requestId().isEmpty()) {
            malformed.incrementAndGet();
            LOG.warn(
                    "Send ledger {}: skipping a malformed record at partition {} offset {}",
                    topic,
                    r.partition(),
                    r.offset());
            return;
        }
        if (e.at() < horizon || !shard.owns(e.userId())) {
            return;
        }
        if (INTENT.equals(e.state())) {
            sent.remove(e.requestId());
            intents.put(e.requestId(), e.at());
        } else {
            intents.remove(e.requestId());
            sent.put(e.requestId(), e.at());
        }
    }

    /** How many requests the ledger currently remembers (sent or ambiguous). */
    public int size() {
        return sent.size() + intents.size();
    }

    @Override
    public long malformedRecords() {
        return malformed.get();
    }

    @Override
    public Claim claim(String requestId) {
        if (sent.containsKey(requestId)) {
            return Claim.ALREADY_SENT;
        }
        if (inFlight.putIfAbsent(requestId, Boolean.TRUE) != null) {
            return Claim.IN_FLIGHT;
        }
        if (sent.containsKey(requestId)) {
            inFlight.remove(requestId);
            return Claim.ALREADY_SENT;
        }
        return intents.containsKey(requestId) ? Claim.AMBIGUOUS : Claim.CLAIMED;
    }

    @Override
    public void recordIntent(String requestId, String userId, String messageId, long at) throws Exception {
        write(requestId, Json.toBytes(new Entry(requestId, userId, messageId, INTENT, at, writer)));
        intents.put(requestId, at);
    }

    @Override
    public void recordSent(String requestId, String userId, String messageId, long acceptedAt) throws Exception {
        try {
            write(requestId, Json.toBytes(new Entry(requestId, userId, messageId, SENT, acceptedAt, writer)));
        } finally {
            // Even if the write failed, this run must not send it again; a later run finds the intent.
            intents.remove(requestId);
            sent.put(requestId, acceptedAt);
            inFlight.remove(requestId);
            evictOld(acceptedAt);
        }
    }

    @Override
    public void recordNotSent(String requestId) {
        try {
            write(requestId, null);
        } catch (Exception e) {
            // Best effort: the intent stays and the request reads as ambiguous after a restart.
            LOG.warn(
                    "Send ledger {}: could not clear an intent ({})",
                    topic,
                    e.getClass().getSimpleName());
        } finally {
            intents.remove(requestId);
            inFlight.remove(requestId);
        }
    }

    @Override
    public void release(String requestId) {
        inFlight.remove(requestId);
    }

    /**
     * Writes one record and waits for the broker's acknowledgement, at most the write timeout. A failed
     * write replaces the producer: after a broker crash an idempotent producer can be left with records
     * and sequence numbers the restarted broker no longer knows, and every later write behind them would
     * fail too (seen in {@code KafkaCrashITCase}). The records of the abandoned producer are dropped; the
     * callers treat the failed write as not written (an intent is retried, an acknowledgement leaves the
     * request ambiguous after a restart).
     */
    private void write(String requestId, byte[] value) throws Exception {
        KafkaProducer<byte[], byte[]> p = producer;
        try {
            p.send(new ProducerRecord<>(topic, requestId.getBytes(StandardCharsets.UTF_8), value))
                    .get(writeTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            renew(p);
            throw e;
        }
    }

    /** Replaces the failed producer, once per failure however many threads saw it fail. */
    private synchronized void renew(KafkaProducer<byte[], byte[]> failed) {
        if (producer != failed || closed) {
            return;
        }
        producerRenewals.incrementAndGet();
        LOG.warn("Send ledger {}: a write failed; replacing the Kafka producer", topic);
        producer = newProducer();
        failed.close(Duration.ZERO);
    }

    /** How often the producer was replaced after a failed write. */
    long producerRenewals() {
        return producerRenewals.get();
    }

    /** Forgets entries older than the retention, every 1,000 writes: memory stays one retention period. */
    private void evictOld(long now) {
        if (writes.incrementAndGet() % 1_000 == 0) {
            long horizon = now - retentionMs;
            sent.values().removeIf(t -> t < horizon);
            intents.values().removeIf(t -> t < horizon);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        producer.close(Duration.ofSeconds(5));
    }
}
