package io.mailflow.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.testing.Events;
import io.mailflow.testing.KafkaExtension;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SendGrid's signed Event Webhook against a real broker. The fixtures follow SendGrid's documented event format
 * (a JSON array; custom arguments copied into each event) and are signed here with a key pair made for the test,
 * as SendGrid signs them: ECDSA P-256 / SHA-256 over {@code timestamp + body}.
 */
class SendGridWebhookITCase {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    private static final long NOW = Events.BEGINNING;
    private static final long TS = NOW / 1000;

    @TempDir
    static Path spool;

    private static TrackingFixture f;
    private static TrackingServer server;
    private static KeyPair sendGrid;
    private static KeyPair stranger;

    @BeforeAll
    static void start() throws Exception {
        sendGrid = keyPair();
        stranger = keyPair();
        f = new TrackingFixture(KAFKA.broker(), "sg");
        String publicKey =
                Base64.getEncoder().encodeToString(sendGrid.getPublic().getEncoded());
        server = TrackingServer.start(
                f.settings(spool, "30s"),
                TrackingFixture.KEYS,
                Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC),
                List.of(new SendGridWebhook(publicKey)));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static String sign(KeyPair k, String timestamp, String body) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(k.getPrivate());
        s.update((timestamp + body).getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(s.sign());
    }

    private static String event(String type, String request, String extra) {
        return "{\"email\":\"ann@example.com\",\"timestamp\":" + TS + ",\"smtp-id\":\"<" + request
                + "@shop.example.com>\",\"event\":\"" + type + "\",\"category\":[\"cart\"],\"sg_event_id\":\"ev-"
                + request + "-" + type + "\",\"sg_message_id\":\"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0\","
                + "\"mailflow_user\":\"sg-u-" + request + "\",\"mailflow_campaign\":\"abandoned-cart\","
                + "\"mailflow_request\":\"" + request + "\"" + extra + "}";
    }

    private static HttpResponse<byte[]> post(String body, String timestamp, String signature) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/webhooks/sendgrid"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (timestamp != null) {
            b.header(SendGridWebhook.TIMESTAMP_HEADER, timestamp);
        }
        if (signature != null) {
            b.header(SendGridWebhook.SIGNATURE_HEADER, signature);
        }
        return f.http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> signed(String body) throws Exception {
        return post(body, Long.toString(TS), sign(sendGrid, Long.toString(TS), body));
    }

    private static JsonNode find(List<JsonNode> all, String request, String type) {
        return all.stream()
                .filter(n -> request.equals(n.path("requestId").asText())
                        && type.equals(n.path("type").asText()))
                .findFirst()
                .orElse(null);
    }

    @Test
    void aSignedBatchIsMappedToEngagementEventsAndSuppressions() throws Exception {
        String body = "["
                + String.join(
                        ",",
                        event("processed", "sg-r1", ""),
                        event("delivered", "sg-r1", ",\"response\":\"250 OK\""),
                        event("open", "sg-r1", ",\"useragent\":\"Mozilla/5.0\",\"sg_machine_open\":true"),
                        event("click", "sg-r1", ",\"url\":\"https://shop.example.com/p/sku-17\""),
                        event("bounce", "sg-r2", ",\"type\":\"bounce\",\"reason\":\"550 5.1.1 unknown\""),
                        event("bounce", "sg-r3", ",\"type\":\"blocked\",\"reason\":\"421 try later\""),
                        event("spamreport", "sg-r4", ""),
                        event("unsubscribe", "sg-r5", ""),
                        // no Mailflow ids: not one of our e-mails, skipped
                        "{\"email\":\"bob@example.com\",\"timestamp\":" + TS
                                + ",\"event\":\"delivered\",\"sg_event_id\":\"foreign\"}")
                + "]";
        HttpResponse<byte[]> res = signed(body);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(new String(res.body(), StandardCharsets.UTF_8)).contains("recorded 7, skipped 2");

        List<JsonNode> eng = f.awaitRecords(
                f.engagement, n -> "sg-r5".equals(n.path("requestId").asText()), Duration.ofSeconds(30));
        assertThat(find(eng, "sg-r1", "DELIVERED")).isNotNull();
        assertThat(find(eng, "sg-r1", "OPENED").path("machine").asBoolean()).isTrue();
        assertThat(find(eng, "sg-r1", "CLICKED").path("url").asText()).isEqualTo("https://shop.example.com/p/sku-17");
        assertThat(find(eng, "sg-r2", "BOUNCED").path("bounceType").asText()).isEqualTo("hard");
        assertThat(find(eng, "sg-r3", "BOUNCED").path("bounceType").asText()).isEqualTo("soft");
        assertThat(find(eng, "sg-r4", "COMPLAINED")).isNotNull();
        JsonNode unsub = find(eng, "sg-r5", "UNSUBSCRIBED");
        assertThat(unsub.path("userId").asText()).isEqualTo("sg-u-sg-r5");
        assertThat(unsub.path("timestamp").asLong()).isEqualTo(TS * 1000);
        assertThat(unsub.path("eventId").asText()).startsWith("sg-");
        assertThat(eng.toString()).doesNotContain("ann@example.com");

        List<JsonNode> sup = f.awaitRecords(
                f.suppressions, n -> "sg-u-sg-r5".equals(n.path("userId").asText()), Duration.ofSeconds(30));
        assertThat(sup)
                .extracting(
                        n -> n.path("userId").asText() + " " + n.path("reason").asText())
                .contains("sg-u-sg-r2 BOUNCED", "sg-u-sg-r4 COMPLAINED", "sg-u-sg-r5 UNSUBSCRIBED")
                .noneMatch(s -> s.startsWith("sg-u-sg-r3 ") || s.startsWith("sg-u-sg-r1 "));
    }

    @Test
    void theUniqueArgsTheJobWritesMapBackToTheRightEmail() throws Exception {
        // the e-mail as the job sends it, with its X-SMTPAPI header; SendGrid copies each unique argument into
        // every event of the message as a top-level field
        io.mailflow.model.RenderedEmail sent = new io.mailflow.model.RenderedEmail(
                "sg-rt-1",
                "<sg-rt-1@shop.example.com>",
                "winback",
                "B",
                "sg-u-rt",
                "ann@example.com",
                "Ann",
                "Hello",
                "<p>hi</p>",
                "hi",
                "<https://t/unsubscribe?t=x>",
                NOW);
        String header = new io.mailflow.email.EspHeaders(io.mailflow.email.EspHeaders.Mode.SENDGRID, "")
                .headers(sent)
                .get(io.mailflow.email.EspHeaders.SMTPAPI);
        com.fasterxml.jackson.databind.node.ObjectNode e =
                io.mailflow.io.Json.mapper().createObjectNode();
        e.put("email", "ann@example.com");
        e.put("timestamp", TS);
        e.put("event", "click");
        e.put("url", "https://shop.example.com/p/9");
        e.put("sg_event_id", "ev-rt-click");
        e.put("sg_message_id", "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0");
        e.setAll((com.fasterxml.jackson.databind.node.ObjectNode)
                io.mailflow.io.Json.mapper().readTree(header).path("unique_args"));
        assertThat(signed("[" + e + "]").statusCode()).isEqualTo(200);
        JsonNode click = find(
                f.awaitRecords(
                        f.engagement, n -> "sg-rt-1".equals(n.path("requestId").asText()), Duration.ofSeconds(30)),
                "sg-rt-1",
                "CLICKED");
        assertThat(click.path("userId").asText()).isEqualTo("sg-u-rt");
        assertThat(click.path("campaignId").asText()).isEqualTo("winback");
        assertThat(click.path("variant").asText()).isEqualTo("B");
        assertThat(click.path("messageId").asText()).isEqualTo("<sg-rt-1@shop.example.com>");
        assertThat(click.path("url").asText()).isEqualTo("https://shop.example.com/p/9");
        assertThat(click.toString()).doesNotContain("ann@example.com");
    }

    @Test
    void unsignedForgedTamperedStaleAndMalformedRequestsAreRefusedAndRecordNothing() throws Exception {
        String body = "[" + event("unsubscribe", "sg-bad-1", "") + "]";
        String ts = Long.toString(TS);
        String stale = Long.toString(TS - 3600);
        String notArray = "{\"event\":\"unsubscribe\"}";
        assertThat(post(body, null, null).statusCode()).isEqualTo(401);
        assertThat(post(body, ts, null).statusCode()).isEqualTo(401);
        assertThat(post(body, ts, sign(stranger, ts, body)).statusCode()).isEqualTo(403);
        assertThat(post(body.replace("sg-bad-1", "sg-bad-2"), ts, sign(sendGrid, ts, body))
                        .statusCode())
                .isEqualTo(403);
        assertThat(post(body, stale, sign(sendGrid, stale, body)).statusCode()).isEqualTo(401);
        assertThat(post(body, ts, "bm90IGEgc2lnbmF0dXJl").statusCode()).isEqualTo(403);
        assertThat(post(notArray, ts, sign(sendGrid, ts, notArray)).statusCode())
                .isEqualTo(400);
        assertThat(f.get(server.port(), "/webhooks/sendgrid").statusCode()).isEqualTo(405);
        assertThat(f.post(server.port(), "/webhooks/ses", "{}").statusCode()).isEqualTo(404);

        // a good request for one of the same users after them: once it is in, theirs would be too
        String marker = "[" + event("delivered", "sg-bad-1", "") + "]";
        assertThat(signed(marker).statusCode()).isEqualTo(200);
        List<JsonNode> eng = f.awaitRecords(
                f.engagement, n -> "sg-bad-1".equals(n.path("requestId").asText()), Duration.ofSeconds(30));
        assertThat(eng)
                .noneMatch(n -> "UNSUBSCRIBED".equals(n.path("type").asText())
                        && n.path("requestId").asText().startsWith("sg-bad-"));
        assertThat(f.records(f.suppressions))
                .noneMatch(n -> n.path("requestId").asText().startsWith("sg-bad-"));
    }
}
