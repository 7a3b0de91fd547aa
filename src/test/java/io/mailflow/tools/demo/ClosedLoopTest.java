package io.mailflow.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.email.Keyring;
import io.mailflow.email.LinkTracker;
import io.mailflow.email.SignedTokens;
import io.mailflow.io.Json;
import io.mailflow.testkit.EmbeddedKafka;
import io.mailflow.tracking.TrackingServer;
import io.mailflow.tracking.TrackingSettings;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated recipients against the real tracking service (127.0.0.1) and a real broker, with a fixed clock and
 * seed: e-mails whose links the job's own {@link LinkTracker} rewrote with tokens signed as the job signs them. Every
 * open, click and unsubscribe the behaviour decides must come back as exactly one engagement event (and a
 * suppression per unsubscribe), every purchase as one PURCHASE event, all at the clock's instant.
 */
class ClosedLoopTest {
    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Keyring KEYS = Keyring.of("k1", "closed-loop-test-secret-0123456789");
    private static final SignedTokens TOKENS = new SignedTokens(KEYS);
    private static final long SEED = 7;
    private static final int EMAILS = 150;
    private static final int HOLDOUT = 60;

    private static EmbeddedKafka kafka;

    @TempDir
    static Path spool;

    @BeforeAll
    static void broker() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createTopic("cl.engagement", 2, false);
        kafka.createTopic("cl.suppressions", 1, true);
        kafka.createTopic("cl.events", 2, false);
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void everyAnswerComesBackThroughTheTrackingServiceOnce() throws Exception {
        TrackingSettings settings = new TrackingSettings(
                "127.0.0.1",
                0,
                kafka.bootstrapServers(),
                "cl.engagement",
                "cl.suppressions",
                spool,
                1 << 20,
                "k1",
                Duration.ofSeconds(30));
        RecipientBehaviour behaviour = new RecipientBehaviour(SEED, RecipientBehaviour.DEFAULT_RATES);
        String[] campaigns = {"abandoned-cart", "browse-abandonment", "segment-welcome"};
        long opens = 0;
        long clicks = 0;
        long unsubscribes = 0;
        long purchases = 0;
        ClosedLoop loop;
        try (TrackingServer server = TrackingServer.start(settings, KEYS, CLOCK);
                KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            String base = "http://127.0.0.1:" + server.port();
            loop = new ClosedLoop(behaviour, TOKENS, CLOCK, producer, "cl.events", new Catalog(2_000));
            for (int i = 0; i < EMAILS; i++) {
                String campaign = campaigns[i % campaigns.length];
                String request = "req-" + i;
                loop.onEmail(email(base, campaign, "u" + i, request));
                RecipientBehaviour.Answer a = behaviour.answer(campaign, request, true);
                opens += a.open() ? 1 : 0;
                clicks += a.click() ? 1 : 0;
                unsubscribes += a.unsubscribe() ? 1 : 0;
                purchases += a.buy() ? 1 : 0;
            }
            for (int i = 0; i < HOLDOUT; i++) {
                loop.onHoldout("abandoned-cart", "h" + i, "hold-" + i);
                purchases +=
                        behaviour.answer("abandoned-cart", "hold-" + i, false).buy() ? 1 : 0;
            }
            // a message whose pixel is not on 127.0.0.1 is not answered at all
            loop.onEmail(email("http://shop.example.com/mf", "abandoned-cart", "x", "req-x"));
            producer.flush();
        }
        assertThat(loop.httpErrors()).isZero();
        assertThat(loop.unreadable()).isEqualTo(1);
        assertThat(opens).as("the seed gives some of each").isPositive();
        assertThat(clicks).isPositive();
        assertThat(unsubscribes).isPositive();
        assertThat(purchases).isPositive();

        long made = 0;
        for (ClosedLoop.Tally t : loop.tallies().values()) {
            assertThat(t.redirects).as("every click a 302").isEqualTo(t.clicks);
            made += t.opens + t.clicks + t.unsubscribes;
        }
        assertThat(made).isEqualTo(opens + clicks + unsubscribes);

        List<JsonNode> engagement = await("cl.engagement", opens + clicks + unsubscribes);
        Map<String, Long> byType = new java.util.TreeMap<>();
        for (JsonNode n : engagement) {
            byType.merge(n.path("type").asText(), 1L, Long::sum);
            assertThat(n.path("timestamp").asLong()).isEqualTo(NOW.toEpochMilli());
            assertThat(n.has("machine")).as("a person's open, not a proxy's").isFalse();
        }
        assertThat(byType)
                .containsEntry("OPENED", opens)
                .containsEntry("CLICKED", clicks)
                .containsEntry("UNSUBSCRIBED", unsubscribes);
        assertThat(await("cl.suppressions", unsubscribes)).hasSize((int) unsubscribes);
        List<JsonNode> bought = await("cl.events", purchases);
        assertThat(bought).hasSize((int) purchases).allSatisfy(n -> {
            assertThat(n.path("type").asText()).isEqualTo("PURCHASE");
            assertThat(n.path("timestamp").asLong()).isEqualTo(NOW.toEpochMilli());
            assertThat(n.path("price").asDouble()).isPositive();
        });
    }

    /** An e-mail as the job writes it: links rewritten by {@link LinkTracker}, a one-click List-Unsubscribe. */
    private static MimeMessage email(String base, String campaign, String user, String request) throws Exception {
        long expires = NOW.getEpochSecond() + Duration.ofDays(60).toSeconds();
        String html = "<html><body><p>Still thinking it over?</p>"
                + "<a href=\"https://shop.example.com/p/sku-42\">Your cart</a></body></html>";
        String open = TOKENS.sign(new SignedTokens.Claims(SignedTokens.Kind.OPEN, user, campaign, request, expires));
        String tracked = new LinkTracker(base, true)
                .rewrite(
                        html,
                        campaign,
                        url -> TOKENS.sign(
                                new SignedTokens.Claims(SignedTokens.Kind.CLICK, user, campaign, request, expires),
                                url),
                        open);
        String unsubscribe =
                TOKENS.sign(new SignedTokens.Claims(SignedTokens.Kind.UNSUBSCRIBE, user, campaign, request, expires));
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setSubject("Your cart");
        m.addHeader(
                "List-Unsubscribe",
                "<mailto:unsubscribe@example.com>, <" + base + "/unsubscribe?t=" + unsubscribe + ">");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Your cart", "UTF-8");
        MimeBodyPart htmlPart = new MimeBodyPart();
        htmlPart.setContent(tracked, "text/html; charset=UTF-8");
        m.setContent(new MimeMultipart("alternative", text, htmlPart));
        m.saveChanges();
        return m;
    }

    /** The topic's records once it holds {@code expected} (a bounded wait), as JSON. */
    private static List<JsonNode> await(String topic, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<ConsumerRecord<byte[], byte[]>> raw = kafka.readAll(topic);
        while (raw.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
            raw = kafka.readAll(topic);
        }
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : raw) {
            out.add(Json.mapper().readTree(r.value()));
        }
        return out;
    }
}
