package io.mailflow.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailflow.io.Json;
import io.mailflow.testing.Events;
import io.mailflow.testing.KafkaExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Amazon SES events through SNS against a real broker. The fixtures follow the documented SNS message and SES
 * event formats and are signed here as SNS signs them (RSA over the canonical string of the message's fields),
 * with a key pair made for the test standing in for the certificate at the message's SigningCertURL.
 */
class SesSnsWebhookITCase {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    private static final long NOW = Events.BEGINNING;
    private static final String WHEN = Instant.ofEpochMilli(NOW - 60_000).toString();
    private static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:mailflow-ses-events";
    private static final String CERT_URL =
            "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem";

    @TempDir
    static Path spool;

    private static TrackingFixture f;
    private static TrackingServer server;
    private static KeyPair amazon;
    private static KeyPair stranger;
    private static final List<URI> confirmed = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        amazon = g.generateKeyPair();
        stranger = g.generateKeyPair();
        f = new TrackingFixture(KAFKA.broker(), "ses");
        SesSnsWebhook ses = new SesSnsWebhook(Set.of(TOPIC), SesSnsWebhookITCase::certificate, confirmed::add);
        server = TrackingServer.start(
                f.settings(spool, "30s"),
                TrackingFixture.KEYS,
                Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC),
                List.of(ses));
    }

    private static PublicKey certificate(URI url) {
        if (!url.toString().equals(CERT_URL)) {
            throw new IllegalStateException("no certificate at " + url);
        }
        return amazon.getPublic();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static String sesEvent(String type, String request, String detail) {
        return "{\"eventType\":\"" + type + "\"," + detail + ",\"mail\":{\"timestamp\":\"" + WHEN
                + "\",\"source\":\"shop@example.com\",\"sendingAccountId\":\"123456789012\","
                + "\"messageId\":\"0102017a-" + request + "\",\"destination\":[\"ann@example.com\"],"
                + "\"tags\":{\"ses:configuration-set\":[\"mailflow\"],\"mailflow_user\":[\"ses-u-" + request
                + "\"],\"mailflow_campaign\":[\"abandoned-cart\"],\"mailflow_request\":[\"" + request + "\"]}}}";
    }

    private static ObjectNode notification(String message, String subject) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("Type", "Notification");
        n.put("MessageId", "22b80b92-fdea-4c2c-8f9d-" + Integer.toHexString(message.hashCode()));
        n.put("TopicArn", TOPIC);
        if (subject != null) {
            n.put("Subject", subject);
        }
        n.put("Message", message);
        n.put("Timestamp", WHEN);
        n.put("SignatureVersion", "2");
        n.put("SigningCertURL", CERT_URL);
        n.put("UnsubscribeURL", "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe");
        return n;
    }

    /** Signs as SNS does: "name\nvalue\n" for the documented fields present, in this order. */
    private static ObjectNode sign(ObjectNode n, KeyPair key) throws Exception {
        List<String> fields = n.path("Type").asText().equals("Notification")
                ? List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
                : List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");
        StringBuilder sb = new StringBuilder();
        for (String fld : fields) {
            if (n.has(fld)) {
                sb.append(fld).append('\n').append(n.path(fld).asText()).append('\n');
            }
        }
        Signature s = Signature.getInstance(
                n.path("SignatureVersion").asText().equals("1") ? "SHA1withRSA" : "SHA256withRSA");
        s.initSign(key.getPrivate());
        s.update(sb.toString().getBytes(StandardCharsets.UTF_8));
        n.put("Signature", Base64.getEncoder().encodeToString(s.sign()));
        return n;
    }

    private static HttpResponse<byte[]> post(JsonNode body) throws Exception {
        return f.post(server.port(), "/webhooks/ses", Json.toText(body));
    }

    private static JsonNode find(List<JsonNode> all, String request, String type) {
        return all.stream()
                .filter(n -> request.equals(n.path("requestId").asText())
                        && type.equals(n.path("type").asText()))
                .findFirst()
                .orElse(null);
    }

    @Test
    void signedSesEventsAreMappedToEngagementEventsAndSuppressions() throws Exception {
        String[] events = {
            sesEvent(
                    "Delivery",
                    "ses-r1",
                    "\"delivery\":{\"timestamp\":\"" + WHEN
                            + "\",\"processingTimeMillis\":546,\"recipients\":[\"ann@example.com\"],\"smtpResponse\":\"250 ok\"}"),
            sesEvent(
                    "Open",
                    "ses-r1",
                    "\"open\":{\"ipAddress\":\"192.0.2.1\",\"timestamp\":\"" + WHEN
                            + "\",\"userAgent\":\"Mozilla/5.0 (iPhone)\"}"),
            sesEvent(
                    "Click",
                    "ses-r1",
                    "\"click\":{\"ipAddress\":\"192.0.2.1\",\"link\":\"https://shop.example.com/p/1\","
                            + "\"timestamp\":\"" + WHEN + "\"}"),
            sesEvent(
                    "Bounce",
                    "ses-r2",
                    "\"bounce\":{\"bounceType\":\"Permanent\",\"bounceSubType\":\"General\","
                            + "\"bouncedRecipients\":[{\"emailAddress\":\"ann@example.com\"}],\"timestamp\":\"" + WHEN
                            + "\"}"),
            sesEvent(
                    "Bounce",
                    "ses-r3",
                    "\"bounce\":{\"bounceType\":\"Transient\",\"bounceSubType\":\"MailboxFull\","
                            + "\"bouncedRecipients\":[{\"emailAddress\":\"ann@example.com\"}],\"timestamp\":\"" + WHEN
                            + "\"}"),
            sesEvent(
                    "Complaint",
                    "ses-r4",
                    "\"complaint\":{\"complainedRecipients\":[{\"emailAddress\":"
                            + "\"ann@example.com\"}],\"complaintFeedbackType\":\"abuse\",\"timestamp\":\"" + WHEN
                            + "\"}"),
        };
        for (int i = 0; i < events.length; i++) {
            ObjectNode n = notification(events[i], i == 0 ? "Amazon SES Email Event Notification" : null);
            if (i == 1) {
                n.put("SignatureVersion", "1");
            }
            HttpResponse<byte[]> res = post(sign(n, amazon));
            assertThat(res.statusCode()).as(events[i]).isEqualTo(200);
            assertThat(new String(res.body(), StandardCharsets.UTF_8)).contains("recorded 1");
        }
        // verified, but not one of our e-mails (no tags): skipped with 200, so that SNS does not retry it
        HttpResponse<byte[]> foreign =
                post(sign(notification("{\"eventType\":\"Delivery\",\"mail\":{}}", null), amazon));
        assertThat(foreign.statusCode()).isEqualTo(200);
        assertThat(new String(foreign.body(), StandardCharsets.UTF_8)).contains("recorded 0, skipped 1");

        List<JsonNode> eng = f.awaitRecords(
                f.engagement, n -> "ses-r4".equals(n.path("requestId").asText()), Duration.ofSeconds(30));
        assertThat(find(eng, "ses-r1", "DELIVERED")).isNotNull();
        assertThat(find(eng, "ses-r1", "OPENED")).isNotNull();
        assertThat(find(eng, "ses-r1", "CLICKED").path("url").asText()).isEqualTo("https://shop.example.com/p/1");
        assertThat(find(eng, "ses-r2", "BOUNCED").path("bounceType").asText()).isEqualTo("hard");
        assertThat(find(eng, "ses-r3", "BOUNCED").path("bounceType").asText()).isEqualTo("soft");
        assertThat(find(eng, "ses-r4", "COMPLAINED").path("timestamp").asLong()).isEqualTo(NOW - 60_000);
        assertThat(eng.toString()).doesNotContain("ann@example.com").doesNotContain("192.0.2.1");
        List<JsonNode> sup = f.awaitRecords(
                f.suppressions, n -> "ses-u-ses-r4".equals(n.path("userId").asText()), Duration.ofSeconds(30));
        assertThat(sup)
                .extracting(
                        n -> n.path("userId").asText() + " " + n.path("reason").asText())
                .contains("ses-u-ses-r2 BOUNCED", "ses-u-ses-r4 COMPLAINED")
                .noneMatch(s -> s.startsWith("ses-u-ses-r3 ") || s.startsWith("ses-u-ses-r1 "));
    }

    @Test
    void theTagsTheJobWritesMapBackToTheRightEmail() throws Exception {
        // the e-mail as the job sends it, with its X-SES-MESSAGE-TAGS header; SES copies each tag into mail.tags
        io.mailflow.model.RenderedEmail sent = new io.mailflow.model.RenderedEmail(
                "ses-rt-1",
                "<ses-rt-1@shop.example.com>",
                "winback",
                "B",
                "ses-u-rt",
                "ann@example.com",
                "Ann",
                "Hello",
                "<p>hi</p>",
                "hi",
                "<https://t/unsubscribe?t=x>",
                NOW);
        String header = new io.mailflow.email.EspHeaders(io.mailflow.email.EspHeaders.Mode.SES, "mailflow")
                .headers(sent)
                .get(io.mailflow.email.EspHeaders.SES_TAGS);
        ObjectNode tags = Json.mapper().createObjectNode();
        tags.putArray("ses:configuration-set").add("mailflow");
        for (String tag : header.split(", ")) {
            String[] kv = tag.split("=", 2);
            tags.putArray(kv[0]).add(kv[1]);
        }
        String message = "{\"eventType\":\"Click\",\"click\":{\"ipAddress\":\"192.0.2.1\",\"link\":"
                + "\"https://shop.example.com/p/9\",\"timestamp\":\"" + WHEN + "\"},\"mail\":{\"timestamp\":\""
                + WHEN + "\",\"source\":\"shop@example.com\",\"messageId\":\"0102017a-rt\","
                + "\"destination\":[\"ann@example.com\"],\"tags\":" + Json.toText(tags) + "}}";
        HttpResponse<byte[]> res = post(sign(notification(message, null), amazon));
        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode click = find(
                f.awaitRecords(
                        f.engagement, n -> "ses-rt-1".equals(n.path("requestId").asText()), Duration.ofSeconds(30)),
                "ses-rt-1",
                "CLICKED");
        assertThat(click.path("userId").asText()).isEqualTo("ses-u-rt");
        assertThat(click.path("campaignId").asText()).isEqualTo("winback");
        assertThat(click.path("variant").asText()).isEqualTo("B");
        assertThat(click.path("messageId").asText()).isEqualTo("<ses-rt-1@shop.example.com>");
        assertThat(click.path("url").asText()).isEqualTo("https://shop.example.com/p/9");
        assertThat(click.toString()).doesNotContain("ann@example.com");
    }

    @Test
    void aSignedSubscriptionConfirmationIsConfirmedAtItsSnsUrlOnly() throws Exception {
        ObjectNode c = Json.mapper().createObjectNode();
        c.put("Type", "SubscriptionConfirmation");
        c.put("MessageId", "165545c9-2a5c-472c-8df2-7ff2be2b3b1b");
        c.put("Token", "2336412f37fb687f5d51e6e2425f004aed");
        c.put("TopicArn", TOPIC);
        c.put("Message", "You have chosen to subscribe to the topic " + TOPIC);
        c.put(
                "SubscribeURL",
                "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + TOPIC
                        + "&Token=2336412f37fb687f5d51e6e2425f004aed");
        c.put("Timestamp", WHEN);
        c.put("SignatureVersion", "2");
        c.put("SigningCertURL", CERT_URL);
        assertThat(post(sign(c.deepCopy(), amazon)).statusCode()).isEqualTo(200);
        assertThat(confirmed).hasSize(1);
        assertThat(confirmed.get(0).getHost()).isEqualTo("sns.eu-west-1.amazonaws.com");

        ObjectNode evil = c.deepCopy();
        evil.put("SubscribeURL", "https://attacker.example.net/?Action=ConfirmSubscription");
        assertThat(post(sign(evil, amazon)).statusCode()).isEqualTo(403);
        ObjectNode forged = c.deepCopy();
        assertThat(post(sign(forged, stranger)).statusCode()).isEqualTo(403);
        assertThat(confirmed).hasSize(1);
    }

    @Test
    void unsignedForgedTamperedForeignTopicAndUntrustedCertificateMessagesAreRefused() throws Exception {
        String bounce = sesEvent("Complaint", "ses-bad-1", "\"complaint\":{\"timestamp\":\"" + WHEN + "\"}");
        ObjectNode good = sign(notification(bounce, null), amazon);

        ObjectNode unsigned = good.deepCopy();
        unsigned.remove("Signature");
        ObjectNode foreignTopic = notification(bounce, null);
        foreignTopic.put("TopicArn", "arn:aws:sns:eu-west-1:999999999999:someone-else");
        ObjectNode tampered = good.deepCopy();
        tampered.put("Message", bounce.replace("ses-bad-1", "ses-bad-2"));
        ObjectNode evilCert = notification(bounce, null);
        evilCert.put("SigningCertURL", "https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem");
        ObjectNode httpCert = notification(bounce, null);
        httpCert.put("SigningCertURL", CERT_URL.replace("https:", "http:"));
        ObjectNode badVersion = notification(bounce, null);
        badVersion.put("SignatureVersion", "3");

        assertThat(post(unsigned).statusCode()).isEqualTo(403);
        assertThat(post(sign(foreignTopic, amazon)).statusCode()).isEqualTo(403);
        assertThat(post(sign(notification(bounce, null), stranger)).statusCode())
                .isEqualTo(403);
        assertThat(post(tampered).statusCode()).isEqualTo(403);
        assertThat(post(sign(evilCert, amazon)).statusCode()).isEqualTo(403);
        assertThat(post(sign(httpCert, amazon)).statusCode()).isEqualTo(403);
        assertThat(post(sign(badVersion, amazon)).statusCode()).isEqualTo(403);
        assertThat(f.post(server.port(), "/webhooks/ses", "not json").statusCode())
                .isEqualTo(400);

        // a good message for the same user afterwards: once it is in, anything refused would be too
        String marker = sesEvent("Delivery", "ses-bad-1", "\"delivery\":{\"timestamp\":\"" + WHEN + "\"}");
        assertThat(post(sign(notification(marker, null), amazon)).statusCode()).isEqualTo(200);
        List<JsonNode> eng = f.awaitRecords(
                f.engagement, n -> "ses-bad-1".equals(n.path("requestId").asText()), Duration.ofSeconds(30));
        assertThat(eng)
                .noneMatch(n -> "COMPLAINED".equals(n.path("type").asText())
                        && n.path("requestId").asText().startsWith("ses-bad-"));
        assertThat(f.records(f.suppressions))
                .noneMatch(n -> n.path("requestId").asText().startsWith("ses-bad-"));
    }
}
