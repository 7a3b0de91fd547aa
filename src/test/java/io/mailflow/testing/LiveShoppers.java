package io.mailflow.testing;

import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.io.Json;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import io.mailflow.model.UserProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Live traffic for the reliability tests: {@code users} shoppers each add one item to their cart and
 * leave, at a steady pace over {@code spread}, stamped with the wall clock, so that abandoned-cart
 * e-mails fall due continuously while the test breaks something. A clock event on every partition of
 * the events topic every {@value #TICK_MS} ms keeps event time moving between carts and after the last
 * one, until {@link #close()}.
 *
 * <p>Run the job with a short {@code session.gap} and {@code abandoned-cart.delay}: each shopper's
 * e-mail is then due gap + delay + {@code profiles.grace} after the cart. The producer is idempotent
 * with {@code acks=all} and retries for two minutes, so a broker restart delays records but neither
 * loses nor duplicates them.
 */
public final class LiveShoppers implements AutoCloseable {
    static final long TICK_MS = 500;

    private final MailflowConfig config;
    private final String prefix;
    private final int users;
    private final Duration spread;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<String, Long> cartedAt = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> error = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    public LiveShoppers(MailflowConfig config, String prefix, int users, Duration spread) {
        this.config = config;
        this.prefix = prefix;
        this.users = users;
        this.spread = spread;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(MailflowOptions.KAFKA_BOOTSTRAP));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        this.producer = new KafkaProducer<>(p);
        this.thread = new Thread(this::run, "live-shoppers");
        this.thread.setDaemon(true);
    }

    public static String user(String prefix, int i) {
        return String.format("%s%04d", prefix, i);
    }

    public static String address(String user) {
        return user + "@example.com";
    }

    /** Publishes every shopper's profile (consenting, English), then starts the carts and the clock. */
    public LiveShoppers start() {
        for (int i = 0; i < users; i++) {
            String u = user(prefix, i);
            send(
                    MailflowOptions.TOPIC_PROFILES,
                    null,
                    u,
                    Json.toBytes(new UserProfile(u, address(u), "Shopper " + i, "en", "UTC", true, 1)));
        }
        producer.flush();
        thread.start();
        return this;
    }

    private void run() {
        try {
            long start = System.currentTimeMillis();
            long nextTick = start;
            int next = 0;
            long tick = 0;
            while (running) {
                long now = System.currentTimeMillis();
                // carts due by now, evenly over the spread
                while (next < users && now - start >= spread.toMillis() * next / users) {
                    String u = user(prefix, next++);
                    send(
                            MailflowOptions.TOPIC_EVENTS,
                            null,
                            u,
                            Json.toBytes(new Event(
                                    u + "-cart",
                                    u,
                                    null,
                                    EventType.ADD_TO_CART,
                                    "sku-" + (next % 50),
                                    "cat-1",
                                    10.0,
                                    1,
                                    "USD",
                                    null,
                                    now)));
                    cartedAt.put(u, now);
                }
                if (now >= nextTick) {
                    for (int partition = 0; partition < 2; partition++) {
                        String clock = prefix + "-clock-" + partition;
                        send(
                                MailflowOptions.TOPIC_EVENTS,
                                partition,
                                clock,
                                Json.toBytes(new Event(
                                        clock + "-" + tick,
                                        clock,
                                        null,
                                        EventType.VIEW,
                                        "sku-0",
                                        "cat-0",
                                        1.0,
                                        null,
                                        "USD",
                                        null,
                                        now)));
                    }
                    tick++;
                    nextTick += TICK_MS;
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            error.set(t);
        }
    }

    private void send(io.mailflow.config.Option<String> topic, Integer partition, String key, byte[] value) {
        producer.send(
                new ProducerRecord<>(config.get(topic), partition, key.getBytes(StandardCharsets.UTF_8), value),
                (m, e) -> {
                    if (e != null) {
                        error.compareAndSet(null, e);
                    }
                });
    }

    /** Shoppers whose cart has been published so far, with the wall-clock time of the cart. */
    public Map<String, Long> cartedAt() {
        return Map.copyOf(cartedAt);
    }

    public boolean allCarted() {
        return cartedAt.size() == users;
    }

    /** The first failure of the producer, if any (a record the producer gave up on). */
    public Throwable error() {
        return error.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
        producer.close(Duration.ofSeconds(10));
    }
}
