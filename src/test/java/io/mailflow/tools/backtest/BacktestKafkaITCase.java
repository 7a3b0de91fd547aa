package io.mailflow.tools.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.io.Json;
import io.mailflow.model.Event;
import io.mailflow.model.UserProfile;
import io.mailflow.testing.Events;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.tools.cli.BacktestCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backtest of a Kafka events topic between two record timestamps: events stamped before {@code --from} or at and
 * after {@code --to} are not replayed. Three shoppers abandon a cart, an hour apart; only the middle one lies in the
 * window, with the rest of the window's traffic after it, so only that cart is e-mailed.
 */
class BacktestKafkaITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @TempDir
    Path dir;

    @Test
    void onlyTheWindowIsReplayed() throws Exception {
        long t0 = Events.BEGINNING;
        long hour = Events.ONE_HOUR;
        String events = "btk.events";
        String profiles = "btk.profiles";
        String suppressions = "btk.suppressions";
        // one partition: a bounded read ends event time at the newest event of its slowest partition
        KAFKA.broker().createTopic(events, 1, false);
        KAFKA.broker().createTopic(profiles, 1, true);
        KAFKA.broker().createTopic(suppressions, 1, true);
        List<Event> history = List.of(
                Events.cart("before", "sku-1", 9.99, t0),
                Events.cart("inside", "sku-2", 9.99, t0 + hour),
                Events.view("other", "sku-3", t0 + 4 * hour),
                Events.cart("after", "sku-4", 9.99, t0 + 6 * hour),
                Events.view("other", "sku-3", t0 + 10 * hour));
        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            for (String u : List.of("before", "inside", "after", "other")) {
                p.send(new ProducerRecord<>(
                        profiles,
                        u.getBytes(StandardCharsets.UTF_8),
                        Json.toBytes(new UserProfile(u, u + "@example.com", u, "en", "UTC", true, 1))));
            }
            for (Event e : history) {
                // stamped with the event's time, as a producer writing live events does
                p.send(new ProducerRecord<>(
                        events, null, e.timestamp(), e.userId().getBytes(StandardCharsets.UTF_8), Json.toBytes(e)));
            }
        }

        Path out = dir.resolve("report");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BacktestCli.run(
                new String[] {
                    "--campaigns",
                    "src/main/resources/campaigns/abandoned-cart.yaml",
                    "--input",
                    "kafka",
                    "--bootstrap",
                    KAFKA.broker().bootstrapServers(),
                    "--topic",
                    events,
                    "--profiles-topic",
                    profiles,
                    "--suppressions-topic",
                    suppressions,
                    "--from",
                    Instant.ofEpochMilli(t0 + hour).toString(),
                    "--to",
                    Instant.ofEpochMilli(t0 + 6 * hour).toString(),
                    "--out",
                    out.toString(),
                    "--set",
                    "guardrails.quiet-hours-start=0ms",
                    "--set",
                    "guardrails.quiet-hours-end=0ms"
                },
                FlinkTestEnv.env(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                BacktestJsonlITCase.GENERATED);
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();

        List<String> rows = Files.readAllLines(out.resolve(BacktestReport.DECISIONS_CSV));
        assertThat(rows.subList(1, rows.size()))
                .singleElement()
                .satisfies(r -> assertThat(r).contains(",inside,").contains(",SEND,"));
        assertThat(Files.readString(out.resolve(BacktestReport.HTML)))
                .contains(events)
                .doesNotContain("@");
    }
}
