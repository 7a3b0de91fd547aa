package io.mailflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.config.MailflowOptions;
import io.mailflow.io.Json;
import io.mailflow.model.Event;
import io.mailflow.testkit.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Moves an unbounded job's event time the way live traffic would, for tests that wait for a decision: two
 * browsing shoppers, {@code browser-0} and {@code browser-1} (their keys land on the two partitions of the
 * events topic, so neither holds event time back), view an item five minutes of event time later every second.
 * A timer registered after the watermark passed its time fires at the watermark's next advance.
 */
public final class EventTimeDriver {
    private final EmbeddedKafka kafka;
    private final PipelineFixture fixture;
    private long clock;

    /** @param now event time of the browsing shoppers' latest views */
    public EventTimeDriver(EmbeddedKafka kafka, PipelineFixture fixture, long now) {
        this.kafka = kafka;
        this.fixture = fixture;
        this.clock = now;
    }

    /** The browsing shoppers' views at {@code at}, one per partition of the events topic. */
    public static List<Event> browsers(long at) {
        return List.of(Events.view("browser-0", "sku-3", at), Events.view("browser-1", "sku-3", at));
    }

    /**
     * The campaign decision (campaign events topic) for {@code user}, polled for at most a minute while the
     * browsing shoppers move event time forward.
     */
    public JsonNode awaitDecision(String user) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (JsonNode d : decisions()) {
                if (d.path("userId").asText().equals(user)) {
                    return d;
                }
            }
            clock += 5 * Events.ONE_MINUTE;
            publish(browsers(clock));
            Thread.sleep(1_000);
        }
        throw new AssertionError("no decision for " + user + " within a minute: " + decisions() + "; dead letters "
                + fixture.read(MailflowOptions.TOPIC_DEAD_LETTERS) + "; sessions "
                + fixture.read(MailflowOptions.TOPIC_SESSIONS).size());
    }

    public List<JsonNode> decisions() throws Exception {
        return new ArrayList<>(fixture.read(MailflowOptions.TOPIC_CAMPAIGN_EVENTS));
    }

    /** Publishes events to the events topic, keyed by user. */
    public void publish(List<Event> events) {
        try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
            for (Event e : events) {
                p.send(new ProducerRecord<>(
                        fixture.config().get(MailflowOptions.TOPIC_EVENTS),
                        e.userId().getBytes(StandardCharsets.UTF_8),
                        Json.toBytes(e)));
            }
        }
    }
}
