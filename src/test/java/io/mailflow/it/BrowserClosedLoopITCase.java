package io.mailflow.it;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_HOUR;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.email.Keyring;
import io.mailflow.io.Json;
import io.mailflow.job.MailflowJob;
import io.mailflow.model.Event;
import io.mailflow.model.UserProfile;
import io.mailflow.testing.Events;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.HeadlessChromium;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.PipelineFixture;
import io.mailflow.tracking.TrackingServer;
import io.mailflow.tracking.TrackingSettings;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The loop closed by a person in a real browser: the production job (real broker, real SMTP, MiniCluster at
 * parallelism 2) sends an abandoned-cart e-mail whose links point at a real tracking service; the captured
 * {@code .eml}'s HTML is opened in headless Chromium, which clicks a tracked link (through {@code /r}, redirected to
 * the shop) and then the unsubscribe link and the confirmation page's button (a POST). The test finds the CLICKED
 * event on the engagement topic, the suppression on the suppressions topic, and a later request for the same user
 * blocked by the job. Skipped without {@code /usr/bin/chromium} unless {@code MAILFLOW_REQUIRE_CHROMIUM=true}.
 */
class BrowserClosedLoopITCase {
    private static final Duration PAGE = Duration.ofSeconds(30);

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void aClickAndAnUnsubscribeInChromiumReachTheJobAndStopTheNextEmail() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "browser"));
        try (HeadlessChromium chromium = HeadlessChromium.startOrSkip(dir);
                TrackingServer tracking = TrackingServer.start(
                        TrackingSettings.parse(
                                "--bind", "127.0.0.1",
                                "--port", "0",
                                "--bootstrap-servers", KAFKA.broker().bootstrapServers(),
                                "--engagement-topic", "br.engagement",
                                "--suppressions-topic", "br.suppressions",
                                "--spool-dir",
                                        Files.createTempDirectory("br-spool").toString()),
                        Keyring.of("k1", PipelineFixture.LINK_SECRET),
                        // the service's clock stands just after the e-mail's decision, not at the wall clock
                        Clock.fixed(Instant.ofEpochMilli(BEGINNING + 2 * ONE_HOUR), ZoneOffset.UTC))) {
            String base = "http://127.0.0.1:" + tracking.port();
            PipelineFixture f = PipelineFixture.create(
                    KAFKA.broker(),
                    "br",
                    SMTP.getSmtp().getPort(),
                    "session.gap",
                    "30min",
                    "abandoned-cart.delay",
                    "1h",
                    "email.tracking-base-url",
                    base,
                    // the shop is this local server too: the redirect's target answers 404, but nothing leaves the host
                    "email.shop-url",
                    base + "/shop");
            MailflowConfig config = f.config();
            try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
                UserProfile ann = new UserProfile("ann", "ann@example.com", "Ann", "en", "UTC", true, 1);
                p.send(new ProducerRecord<>(f.topic(MailflowOptions.TOPIC_PROFILES), bytes("ann"), Json.toBytes(ann)));
                Event cart = Events.cart("ann", "sku-17", 19.99, BEGINNING);
                p.send(new ProducerRecord<>(f.topic(MailflowOptions.TOPIC_EVENTS), bytes("ann"), Json.toBytes(cart)));
            }
            run(config);
            assertThat(SMTP.getReceivedMessages()).hasSize(1);

            // the .eml as the relay received it, and its HTML part as a file for the browser
            Path eml = dir.resolve("ann.eml");
            try (OutputStream out = Files.newOutputStream(eml)) {
                SMTP.getReceivedMessages()[0].writeTo(out);
            }
            MimeMessage parsed;
            try (InputStream in = Files.newInputStream(eml)) {
                parsed = new MimeMessage(Session.getInstance(new Properties()), in);
            }
            String requestId = f.read(MailflowOptions.TOPIC_SEND_RESULTS)
                    .get(0)
                    .get("requestId")
                    .asText();
            Path html = Files.writeString(dir.resolve("ann.html"), html(parsed), StandardCharsets.UTF_8);
            String page = html.toAbsolutePath().toUri().toString();

            // a tracked product link: /r records the click and redirects to the shop
            chromium.navigate(page);
            chromium.await(s -> s.url().startsWith("file:") && s.text().contains("sku-17"), PAGE);
            assertThat(chromium.evaluate("document.querySelectorAll('a[href^=\"" + base + "/r?\"]').length")
                            .asInt())
                    .isPositive();
            chromium.evaluate("document.querySelector('a[href^=\"" + base + "/r?\"]').click()");
            HeadlessChromium.PageState shop = chromium.await(s -> s.url().startsWith(base + "/shop/"), PAGE);
            assertThat(shop.url()).contains("utm_source=mailflow");

            // the footer's unsubscribe link, then the confirmation page's button, which POSTs
            chromium.navigate(page);
            chromium.await(s -> s.url().startsWith("file:"), PAGE);
            chromium.evaluate("document.querySelector('a[href^=\"" + base + "/unsubscribe?\"]').click()");
            chromium.await(s -> s.text().contains("Do you want to stop receiving these e-mails?"), PAGE);
            chromium.evaluate("document.querySelector('form button[type=submit]').click()");
            chromium.await(s -> s.text().contains("You will not receive these e-mails any more"), PAGE);

            List<JsonNode> engagement = awaitRecords(
                    KAFKA,
                    "br.engagement",
                    n -> "UNSUBSCRIBED".equals(n.path("type").asText()));
            assertThat(engagement)
                    .filteredOn(n -> "CLICKED".equals(n.path("type").asText()))
                    .singleElement()
                    .satisfies(n -> {
                        assertThat(n.path("userId").asText()).isEqualTo("ann");
                        assertThat(n.path("requestId").asText()).isEqualTo(requestId);
                        assertThat(n.path("url").asText()).startsWith(base + "/shop/");
                    });
            assertThat(awaitRecords(
                            KAFKA,
                            "br.suppressions",
                            n -> "ann".equals(n.path("userId").asText())))
                    .anySatisfy(n -> assertThat(n.path("reason").asText()).isEqualTo("UNSUBSCRIBED"));

            // a later abandoned cart of ann's: the job reads the suppression and blocks the e-mail
            try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
                Event again = Events.cart("ann", "sku-18", 5.0, BEGINNING + 6 * ONE_HOUR);
                p.send(new ProducerRecord<>(f.topic(MailflowOptions.TOPIC_EVENTS), bytes("ann"), Json.toBytes(again)));
            }
            run(config);
            assertThat(SMTP.getReceivedMessages()).hasSize(1);
            assertThat(f.read(MailflowOptions.TOPIC_DEAD_LETTERS))
                    .anySatisfy(d ->
                            assertThat(d.get("reason").asText()).isEqualTo("user ann is suppressed (UNSUBSCRIBED)"));
        }
    }

    /** The text/html part of a message. */
    private static String html(Part p) throws Exception {
        if (p.isMimeType("text/html")) {
            return (String) p.getContent();
        }
        if (p.isMimeType("multipart/*")) {
            Multipart m = (Multipart) p.getContent();
            for (int i = 0; i < m.getCount(); i++) {
                BodyPart b = m.getBodyPart(i);
                String h = html(b);
                if (h != null) {
                    return h;
                }
            }
        }
        return null;
    }

    private static List<JsonNode> awaitRecords(
            KafkaExtension kafka, String topic, java.util.function.Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            List<JsonNode> all = new java.util.ArrayList<>();
            for (var r : kafka.broker().readAll(topic)) {
                all.add(Json.mapper().readTree(r.value()));
            }
            if (all.stream().anyMatch(until)) {
                return all;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no matching record in " + topic + "; got " + all);
            }
            Thread.sleep(100);
        }
    }

    private static void run(MailflowConfig config) throws Exception {
        StreamExecutionEnvironment env = FlinkTestEnv.env();
        MailflowJob.define(env, config);
        env.execute();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
