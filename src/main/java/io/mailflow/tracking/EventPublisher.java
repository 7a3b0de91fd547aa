package io.mailflow.tracking;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands records to Kafka without ever making an HTTP request wait for the broker, and without losing them while
 * the broker is away.
 *
 * <p>Two modes. <b>Direct</b>: {@link #publish} sends asynchronously with the (idempotent) producer; a send that
 * fails, at once or when the producer gives up after its delivery timeout, is written to the on-disk
 * {@link Spool} and switches to <b>spooling</b>: from then on every record goes straight to the spool (the request
 * thread writes one framed record to a file and goes on). A single replayer thread sends the spool's oldest
 * records, waits for Kafka's acknowledgements, commits the delivered prefix, and switches back to direct only once
 * the spool is empty, so that nothing is stranded behind a healthy producer.
 *
 * <p>Delivery is at least once: a record whose acknowledgement was lost can be sent twice (each event carries its
 * own {@code eventId}). What the spool cannot hold (it is bounded) is dropped and counted.
 */
final class EventPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    private static final int BATCH = 500;

    private final Producer<byte[], byte[]> producer;
    private final Spool spool;
    private final TrackingMetrics metrics;
    /** Resolved once: the producer's I/O thread counts every acknowledged event. */
    private final io.prometheus.metrics.core.datapoints.CounterDataPoint publishedDirect;

    private final Duration ackTimeout;
    private final Object lock = new Object();
    private final Thread replayer;
    private volatile boolean direct;
    /** Counted down by {@link #close}: the replayer waits on it, never by interruption, since interrupting a thread
     * in file I/O closes the spool's channel. */
    private final CountDownLatch stopping = new CountDownLatch(1);

    /** @param ackTimeout how long the replayer waits for a batch's acknowledgements (the producer's delivery timeout) */
    EventPublisher(Producer<byte[], byte[]> producer, Spool spool, TrackingMetrics metrics, Duration ackTimeout) {
        this.producer = producer;
        this.spool = spool;
        this.metrics = metrics;
        this.publishedDirect = metrics.published.labelValues("direct");
        this.ackTimeout = ackTimeout;
        this.direct = spool.isEmpty();
        this.replayer = new Thread(this::replayLoop, "tracking-spool-replayer");
        this.replayer.setDaemon(true);
    }

    void start() {
        replayer.start();
    }

    /** Records one event; never blocks on the broker. */
    void publish(String topic, String key, byte[] value) {
        Spool.Entry e = new Spool.Entry(topic, key.getBytes(StandardCharsets.UTF_8), value);
        if (!direct) {
            synchronized (lock) {
                if (!direct) {
                    toSpool(e);
                    return;
                }
            }
        }
        try {
            producer.send(new ProducerRecord<>(topic, e.key(), value), (md, ex) -> {
                if (ex == null) {
                    publishedDirect.inc();
                } else {
                    failed(e, ex);
                }
            });
        } catch (RuntimeException ex) {
            // metadata not available within max.block.ms, buffer full, producer closed
            failed(e, ex);
        }
    }

    /** True while records go straight to Kafka. */
    boolean kafkaUp() {
        return direct;
    }

    long spooledRecords() {
        return spool.records();
    }

    long spooledBytes() {
        return spool.bytes();
    }

    private void failed(Spool.Entry e, Exception ex) {
        synchronized (lock) {
            if (direct) {
                LOG.warn("Kafka did not take an event ({}); spooling to disk until it is back", ex.toString());
            }
            direct = false;
            toSpool(e);
        }
    }

    private void toSpool(Spool.Entry e) {
        boolean kept;
        try {
            kept = spool.append(e);
        } catch (RuntimeException ex) {
            LOG.error("Cannot write to the spool: {}", ex.toString());
            kept = false;
        }
        if (kept) {
            metrics.spooled.inc();
        } else {
            metrics.dropped.inc();
        }
    }

    private void replayLoop() {
        long lastSync = System.nanoTime();
        while (stopping.getCount() > 0) {
            try {
                boolean progress = replayOnce();
                if (System.nanoTime() - lastSync > 1_000_000_000L) {
                    spool.sync();
                    lastSync = System.nanoTime();
                }
                if (!progress) {
                    stopping.await(direct ? 200 : 500, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException ex) {
                LOG.warn("Spool replay failed: {}", ex.toString());
                try {
                    stopping.await(1, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Sends one batch from the spool; true when it delivered something and more may be waiting. */
    boolean replayOnce() throws InterruptedException {
        List<Spool.Spooled> batch = spool.peek(BATCH);
        if (batch.isEmpty()) {
            synchronized (lock) {
                if (!direct && spool.isEmpty()) {
                    direct = true;
                    LOG.info("Spool replayed; events go straight to Kafka again");
                }
            }
            return false;
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
        for (Spool.Spooled s : batch) {
            try {
                acks.add(producer.send(new ProducerRecord<>(
                        s.entry().topic(), s.entry().key(), s.entry().value())));
            } catch (RuntimeException ex) {
                break;
            }
        }
        int delivered = 0;
        long deadline = System.nanoTime() + ackTimeout.toNanos() + 5_000_000_000L;
        for (Future<RecordMetadata> ack : acks) {
            if (!acknowledged(ack, deadline)) {
                break;
            }
            delivered++;
        }
        spool.commit(batch.subList(0, delivered));
        metrics.published.labelValues("replayed").inc(delivered);
        if (delivered > 0) {
            LOG.info("Replayed {} spooled records to Kafka, {} left", delivered, spool.records());
        }
        return delivered == batch.size();
    }

    /** Waits for one acknowledgement in short slices, so that {@link #close} does not wait for the deadline. */
    private boolean acknowledged(Future<RecordMetadata> ack, long deadline) throws InterruptedException {
        while (stopping.getCount() > 0 && System.nanoTime() < deadline) {
            try {
                ack.get(100, TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException slice) {
                // not yet
            } catch (ExecutionException ex) {
                return false;
            }
        }
        return false;
    }

    /** Stops the replayer, gives the producer {@code grace} to deliver what it holds, and syncs the spool. */
    void close(Duration grace) throws Exception {
        stopping.countDown();
        replayer.join(10_000);
        producer.close(grace);
        spool.close();
    }

    @Override
    public void close() throws Exception {
        close(Duration.ofSeconds(5));
    }
}
