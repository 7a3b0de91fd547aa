package io.mailflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.io.Json;
import io.mailflow.job.MailflowJob;
import io.mailflow.model.Event;
import io.mailflow.model.UserProfile;
import io.mailflow.testing.Events;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.PipelineFixture;
import io.mailflow.testing.SharedData;
import io.mailflow.tools.importer.CsvImporter;
import io.mailflow.tools.importer.Rees46Format;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A bounded replay ends where its history ends ({@code job.end-of-input=last-event}): event time stops at
 * the newest event, and timers due later (a 30-day win-back, a cart delay not yet over) never fire. Before
 * this option, the end of a bounded input was the end of time, and a three-hour log sent win-back e-mails
 * to nearly every shopper.
 */
class BoundedReplayEndITCase {
    private static final long GAP = 30 * 60_000L;
    private static final long DELAY = 60 * 60_000L;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    /**
     * Shopper a carts and leaves at T; shopper b browses at T and T + 3 h, so the history ends at T + 3 h. The
     * cart is due at T + 1.5 h (session gap, then the delay) and is e-mailed; the win-backs are due a month
     * later. At the end of time (the old behaviour, still available) both shoppers get one.
     */
    @Test
    void aReplayStopsAtItsLastEventAndLeavesTheMonthOldTimersPending() throws Exception {
        assertThat(sentByCampaign(replayThreeHours("end-of-time", "rb1")))
                .as("Flink's end of time fires the 30-day timers")
                .containsEntry("win-back", 2L)
                .containsEntry("abandoned-cart", 1L);
        assertThat(sentByCampaign(replayThreeHours("last-event", "rb2")))
                .as("the replay ends at its last event")
                .containsExactly(Map.entry("abandoned-cart", 1L));
    }

    private PipelineFixture replayThreeHours(String endOfInput, String prefix) throws Exception {
        PipelineFixture fixture = PipelineFixture.create(
                KAFKA.broker(),
                prefix,
                SMTP.getSmtp().getPort(),
                "campaigns.file",
                "classpath:campaigns/replay-end.yaml",
                "job.end-of-input",
                endOfInput);
        long t = Events.BEGINNING;
        publish(
                fixture.config(),
                List.of(
                        Events.view("b", "sku-2", t),
                        Events.cart("a", "sku-1", 19.99, t + 1),
                        Events.view("b", "sku-2", t + 3 * Events.ONE_HOUR)));
        StreamExecutionEnvironment env = FlinkTestEnv.env();
        MailflowJob.define(env, fixture.config());
        env.execute("bounded-replay-end-" + endOfInput);
        return fixture;
    }

    /**
     * The README's replay: REES46, three hours of one night (2019-10-01, 00:00 to 03:00 UTC), 4,504 shoppers,
     * the default campaigns. It used to send about 4,400 e-mails, 3,600 of them win-back. Now no decision lies
     * after the last event, there is no win-back at all, and the abandoned carts e-mailed are at most those due
     * within the three hours, counted here from the raw CSV.
     */
    @Test
    void theRees46ReplaySendsWhatThreeHoursJustify() throws Exception {
        Path csv = SharedData.require("rees46/2019-Oct-head17k.csv");
        List<Event> events = new CsvImporter(new Rees46Format()).readAll(csv);
        long last = events.stream().mapToLong(Event::timestamp).max().orElseThrow();
        int dueCarts = abandonedCartsDueBefore(events, last);
        // the log has 165 carts; sessions must close and wait an hour, so few are due before it ends
        assertThat(dueCarts).as("abandoned carts due within the log").isPositive();

        PipelineFixture fixture = PipelineFixture.create(
                KAFKA.broker(),
                "rb-rees46",
                SMTP.getSmtp().getPort(),
                "campaigns.file",
                "classpath:campaigns/default-campaigns.yaml",
                "job.end-of-input",
                "last-event",
                "session.gap",
                "30min",
                "ingest.max-out-of-orderness",
                "1min",
                // the log is a night in UTC, all of it quiet hours for UTC shoppers: every send would be deferred
                // past the end of the history, and this test would see no e-mail at all
                "guardrails.quiet-hours-start",
                "0h",
                "guardrails.quiet-hours-end",
                "0h");
        publish(fixture.config(), events);
        StreamExecutionEnvironment env = FlinkTestEnv.env();
        MailflowJob.define(env, fixture.config());
        env.execute("rees46-bounded-replay-end");

        List<JsonNode> decisions = fixture.read(MailflowOptions.TOPIC_CAMPAIGN_EVENTS);
        Map<String, Long> byTrigger = new TreeMap<>();
        for (JsonNode d : decisions) {
            byTrigger.merge(d.path("trigger").asText() + " " + d.path("outcome").asText(), 1L, Long::sum);
            assertThat(d.path("at").asLong())
                    .as("a decision after the history ended")
                    .isLessThanOrEqualTo(last);
        }
        Map<String, Long> sent = sentByCampaign(fixture);
        System.out.printf("REES46 replay: last event %d, decisions %s, sent %s%n", last, byTrigger, sent);

        assertThat(byTrigger.keySet()).noneMatch(k -> k.startsWith("WIN_BACK"));
        assertThat(sent).doesNotContainKey("win-back");
        assertThat(sent.getOrDefault("abandoned-cart", 0L)).isBetween(0L, (long) dueCarts);
        long total = sent.values().stream().mapToLong(Long::longValue).sum();
        assertThat(total)
                .as("e-mails from three hours of 4,504 shoppers")
                .isPositive()
                .isLessThan(users(events) / 4);
        assertThat(total)
                .isEqualTo(byTrigger.entrySet().stream()
                        .filter(e -> e.getKey().endsWith(" RELEASED"))
                        .mapToLong(Map.Entry::getValue)
                        .sum());
    }

    /**
     * From the raw events, independently of the job: per user, a gap of 30 minutes ends a session; a session with
     * a cart and no purchase is due an hour after it closed, unless a purchase came in between. Counts those due
     * by the last event; the job may send fewer (holdout, caps, cooldown, a later abandonment superseding one).
     */
    private static int abandonedCartsDueBefore(List<Event> events, long last) {
        Map<String, List<Event>> byUser = new HashMap<>();
        for (Event e : events) {
            byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e);
        }
        int due = 0;
        for (List<Event> rows : byUser.values()) {
            rows.sort((a, b) -> Long.compare(a.timestamp(), b.timestamp()));
            List<Long> purchases = rows.stream()
                    .filter(e -> e.type().name().equals("PURCHASE"))
                    .map(Event::timestamp)
                    .toList();
            long start = 0;
            long prev = Long.MIN_VALUE;
            boolean carted = false;
            boolean bought = false;
            List<Long> abandonedEnds = new ArrayList<>();
            for (Event e : rows) {
                if (prev != Long.MIN_VALUE && e.timestamp() - prev >= GAP) {
                    if (carted && !bought) {
                        abandonedEnds.add(prev);
                    }
                    carted = false;
                    bought = false;
                }
                carted |= e.type().name().equals("ADD_TO_CART");
                bought |= e.type().name().equals("PURCHASE");
                prev = e.timestamp();
            }
            if (carted && !bought) {
                abandonedEnds.add(prev);
            }
            for (long end : abandonedEnds) {
                long dueAt = end + GAP + DELAY;
                boolean cancelled = purchases.stream().anyMatch(p -> p > end && p <= dueAt);
                if (dueAt <= last && !cancelled) {
                    due++;
                }
            }
        }
        return due;
    }

    private static int users(List<Event> events) {
        Set<String> users = new LinkedHashSet<>();
        events.forEach(e -> users.add(e.userId()));
        return users.size();
    }

    private static Map<String, Long> sentByCampaign(PipelineFixture fixture) throws Exception {
        Map<String, Long> out = new TreeMap<>();
        for (JsonNode r : fixture.read(MailflowOptions.TOPIC_SEND_RESULTS)) {
            if (r.path("status").asText().equals("SENT")) {
                out.merge(r.path("campaignId").asText(), 1L, Long::sum);
            }
        }
        return out;
    }

    private static void publish(MailflowConfig config, List<Event> events) {
        Set<String> users = new LinkedHashSet<>();
        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            for (Event e : events) {
                if (users.add(e.userId())) {
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
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
