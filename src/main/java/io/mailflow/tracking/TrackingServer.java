package io.mailflow.tracking;

import io.mailflow.email.Keyring;
import io.mailflow.email.SignedTokens;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The tracking service: a Jetty server with the {@link TrackingHandler}, an idempotent Kafka producer and the
 * on-disk {@link Spool} behind an {@link EventPublisher}. {@link TrackingMain} runs it; tests and tools start it
 * in-process with {@link #start}.
 *
 * <pre>
 * try (TrackingServer s = TrackingServer.start(settings, keyring, Clock.systemUTC())) {
 *     URI base = URI.create("http://127.0.0.1:" + s.port());
 * }
 * </pre>
 */
public final class TrackingServer implements AutoCloseable {
    private final Server server;
    private final EventPublisher publisher;

    private TrackingServer(Server server, EventPublisher publisher) {
        this.server = server;
        this.publisher = publisher;
    }

    public static TrackingServer start(TrackingSettings settings, Keyring keys, Clock clock) throws Exception {
        return start(settings, keys, clock, List.of());
    }

    /** With provider webhooks, each served at {@code POST /webhooks/<name>}. */
    static TrackingServer start(TrackingSettings settings, Keyring keys, Clock clock, List<EspWebhook> webhooks)
            throws Exception {
        TrackingMetrics metrics = new TrackingMetrics();
        Spool spool = Spool.open(settings.spoolDir(), settings.spoolMaxBytes());
        EventPublisher publisher = new EventPublisher(producer(settings), spool, metrics, settings.deliveryTimeout());
        metrics.gauges(publisher::spooledRecords, publisher::spooledBytes, () -> publisher.kafkaUp() ? 0 : 1);
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("tracking-http");
        Server server = new Server(threads);
        ServerConnector http = new ServerConnector(server);
        http.setHost(settings.bind());
        http.setPort(settings.port());
        server.addConnector(http);
        server.setHandler(new TrackingHandler(new SignedTokens(keys), publisher, metrics, settings, clock, webhooks));
        server.setStopTimeout(5000);
        publisher.start();
        try {
            server.start();
        } catch (Exception e) {
            publisher.close();
            throw e;
        }
        return new TrackingServer(server, publisher);
    }

    /**
     * Idempotent (acks=all, retries within the delivery timeout, no duplicates from the producer's own retries);
     * {@code max.block.ms} is short so that a request thread never waits long for metadata while the broker is
     * away: such a record goes to the spool instead.
     */
    static Producer<byte[], byte[]> producer(TrackingSettings s) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // Engagement events are not latency-critical (attribution windows are hours to days): waiting up to 20 ms
        // to fill batches of up to 64 KiB costs nothing a reader notices and takes produce requests, and with them
        // the producer's and the broker's work per event, down under load (docs/benchmarks.md, tracking service).
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(64 * 1024));
        long delivery = s.deliveryTimeout().toMillis();
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(delivery));
        // the producer requires delivery.timeout.ms >= linger.ms + request.timeout.ms
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(10_000, delivery - 20 - 10)));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "250");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "mailflow-tracking");
        return new KafkaProducer<>(p);
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** True while events go straight to Kafka (false: they are being spooled). */
    public boolean kafkaUp() {
        return publisher.kafkaUp();
    }

    public long spooledRecords() {
        return publisher.spooledRecords();
    }

    /** Stops taking requests, then lets the producer deliver or spool what it holds. */
    @Override
    public void close() throws Exception {
        try {
            server.stop();
        } finally {
            publisher.close(Duration.ofSeconds(5));
        }
    }
}
