package io.mailflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.io.Json;
import io.mailflow.job.MailflowJob;
import io.mailflow.model.Event;
import io.mailflow.model.UserProfile;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.PipelineFixture;
import io.mailflow.testing.SharedData;
import io.mailflow.tools.importer.CsvImporter;
import io.mailflow.tools.importer.Rees46Format;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replays the real REES46 extract through the importer, Kafka and the production topology, and checks
 * the number of sessions and of abandoned-cart e-mails against a computation written here from the
 * raw CSV, independently of the job's code.
 */
class Rees46ReplayITCase {
    private static final long GAP = 30 * 60_000L;
    private static final long DELAY = 60 * 60_000L;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void sessionsAndAbandonedCartsMatchAnIndependentComputation() throws Exception {
        Path csv = SharedData.require("rees46/2019-Oct-head17k.csv");
        Expected expected = expectedFromRawCsv(csv);
        assertThat(expected.sessions).isGreaterThan(1000);
        assertThat(expected.abandonedCartEmails).isGreaterThan(10);

        // the log is time-ordered, but two partitions interleave: allow a minute of disorder
        PipelineFixture fixture = PipelineFixture.create(
                KAFKA.broker(),
                "rees46",
                SMTP.getSmtp().getPort(),
                "session.gap",
                "30min",
                "abandoned-cart.delay",
                "1h",
                "ingest.max-out-of-orderness",
                "1min");
        MailflowConfig config = fixture.config();

        List<Event> events = new CsvImporter(new Rees46Format()).readAll(csv);
        Map<String, Boolean> users = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            for (Event e : events) {
                if (users.putIfAbsent(e.userId(), true) == null) {
                    UserProfile profile = new UserProfile(
                            e.userId(),
                            "user" + e.userId() + "@example.com",
                            "Shopper " + e.userId(),
                            "en",
                            "UTC",
                            true,
                            1);
                    p.send(new ProducerRecord<>(
                            config.get(MailflowOptions.TOPIC_PROFILES), key(e.userId()), Json.toBytes(profile)));
                }
                p.send(new ProducerRecord<>(
                        config.get(MailflowOptions.TOPIC_EVENTS), key(e.userId()), Json.toBytes(e)));
            }
        }

        StreamExecutionEnvironment env = FlinkTestEnv.env();
        MailflowJob.define(env, config);
        env.execute("rees46-replay-it");

        assertThat(KAFKA.broker().readAll(config.get(MailflowOptions.TOPIC_LATE_EVENTS)))
                .isEmpty();
        assertThat(KAFKA.broker().readAll(config.get(MailflowOptions.TOPIC_DEAD_LETTERS)))
                .isEmpty();
        assertThat(KAFKA.broker().readAll(config.get(MailflowOptions.TOPIC_SESSIONS)))
                .hasSize(expected.sessions);
        assertThat(SMTP.waitForIncomingEmail(30_000, expected.abandonedCartEmails))
                .isTrue();
        assertThat(SMTP.getReceivedMessages()).hasSize(expected.abandonedCartEmails);
        assertThat(KAFKA.broker().readAll(config.get(MailflowOptions.TOPIC_SEND_RESULTS)))
                .hasSize(expected.abandonedCartEmails);
    }

    private record Row(long ts, String type) {}

    record Expected(int sessions, int abandonedCartEmails) {}

    /**
     * Straight from the CSV: per user, sort by time; a gap of 30 minutes or more starts a new session.
     * A session is abandoned if it has a cart event and no purchase; it is e-mailed unless the user
     * purchases within an hour after it ended, or abandons another cart before that hour is over.
     */
    static Expected expectedFromRawCsv(Path csv) throws Exception {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");
        Map<String, List<Row>> byUser = new TreeMap<>();
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",", -1);
            long ts = LocalDateTime.parse(c[0], f).toInstant(ZoneOffset.UTC).toEpochMilli();
            byUser.computeIfAbsent(c[7], k -> new ArrayList<>()).add(new Row(ts, c[1]));
        }
        int sessions = 0;
        int emails = 0;
        for (List<Row> rows : byUser.values()) {
            rows.sort((a, b) -> Long.compare(a.ts, b.ts));
            List<long[]> abandonedEnds = new ArrayList<>();
            List<Long> purchases = new ArrayList<>();
            long last = Long.MIN_VALUE;
            boolean carted = false;
            boolean bought = false;
            for (Row r : rows) {
                if (last != Long.MIN_VALUE && r.ts - last >= GAP) {
                    sessions++;
                    if (carted && !bought) {
                        abandonedEnds.add(new long[] {last});
                    }
                    carted = false;
                    bought = false;
                }
                carted |= r.type.equals("cart");
                if (r.type.equals("purchase")) {
                    bought = true;
                    purchases.add(r.ts);
                }
                last = r.ts;
            }
            sessions++;
            if (carted && !bought) {
                abandonedEnds.add(new long[] {last});
            }
            for (int i = 0; i < abandonedEnds.size(); i++) {
                long end = abandonedEnds.get(i)[0];
                boolean superseded =
                        i + 1 < abandonedEnds.size() && abandonedEnds.get(i + 1)[0] < end + DELAY;
                boolean cancelled = purchases.stream().anyMatch(p -> p > end && p <= end + DELAY);
                if (!superseded && !cancelled) {
                    emails++;
                }
            }
        }
        return new Expected(sessions, emails);
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
