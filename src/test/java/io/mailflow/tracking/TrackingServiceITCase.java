package io.mailflow.tracking;

import static io.mailflow.tracking.TrackingFixture.TOKENS;
import static io.mailflow.tracking.TrackingFixture.claims;
import static io.mailflow.tracking.TrackingFixture.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.email.Keyring;
import io.mailflow.email.LinkTracker;
import io.mailflow.email.SignedTokens;
import io.mailflow.email.SignedTokens.Kind;
import io.mailflow.testing.Events;
import io.mailflow.testing.KafkaExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracking service against a real broker: every endpoint, what it records on the job's engagement and
 * suppressions topics, and the attacks it refuses (forged, expired, wrong-kind and retargeted tokens; an
 * unsubscribe by GET). Tokens are signed as the job signs them, with the same code and key.
 */
class TrackingServiceITCase {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    private static final long NOW = Events.BEGINNING;
    private static final long VALID_UNTIL = NOW / 1000 + 3600;
    private static final String SHOP = "https://shop.example.com/p/sku-17?utm_source=mailflow&utm_campaign=cart";

    @TempDir
    static Path spool;

    private static TrackingFixture f;
    private static TrackingServer server;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        f = new TrackingFixture(KAFKA.broker(), "svc");
        server = TrackingServer.start(
                f.settings(spool, "30s"), TrackingFixture.KEYS, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
        port = server.port();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static String click(String user, String request, String target, long expires) {
        return TOKENS.sign(claims(Kind.CLICK, user, request, expires), target);
    }

    private static String r(String target, String token) {
        return "/r?u=" + enc(target) + "&t=" + token;
    }

    private static JsonNode find(List<JsonNode> records, String requestId, String type) {
        return records.stream()
                .filter(n -> requestId.equals(n.path("requestId").asText())
                        && type.equals(n.path("type").asText()))
                .findFirst()
                .orElse(null);
    }

    /** A good click after the given requests: once it is in the topic, anything they recorded would be too. */
    private static List<JsonNode> afterMarker(String user, String marker) throws Exception {
        HttpResponse<byte[]> ok = f.get(port, r(SHOP, click(user, marker, SHOP, VALID_UNTIL)));
        assertThat(ok.statusCode()).isEqualTo(302);
        return f.awaitRecords(
                f.engagement, n -> marker.equals(n.path("requestId").asText()), Duration.ofSeconds(30));
    }

    @Test
    void aValidClickIsRecordedAndRedirected() throws Exception {
        HttpResponse<byte[]> res = f.get(
                port,
                r(SHOP, click("u1", "req-click-1", SHOP, VALID_UNTIL)),
                "User-Agent",
                "Mozilla/5.0 (Macintosh) Safari/605");
        assertThat(res.statusCode()).isEqualTo(302);
        assertThat(res.headers().firstValue("Location")).hasValue(SHOP);
        assertThat(res.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        List<JsonNode> all = f.awaitRecords(
                f.engagement, n -> "req-click-1".equals(n.path("requestId").asText()), Duration.ofSeconds(30));
        JsonNode e = find(all, "req-click-1", "CLICKED");
        assertThat(e).isNotNull();
        assertThat(e.path("userId").asText()).isEqualTo("u1");
        assertThat(e.path("campaignId").asText()).isEqualTo("abandoned-cart");
        assertThat(e.path("url").asText()).isEqualTo(SHOP);
        assertThat(e.path("timestamp").asLong()).isEqualTo(NOW);
        assertThat(e.path("eventId").asText()).startsWith("c-");
    }

    @Test
    void forgedExpiredRetargetedAndWrongKindClickTokensAreRefusedWithoutRedirect() throws Exception {
        String good = click("u2", "req-bad-1", SHOP, VALID_UNTIL);
        String evil = "https://evil.example.net/login";
        SignedTokens otherKey = new SignedTokens(Keyring.of("k1", "another-secret-0123456789"));
        String[] attacks = {
            r(evil, good), // open redirect: a good token for another target
            r(SHOP, otherKey.sign(claims(Kind.CLICK, "u2", "req-bad-2", VALID_UNTIL), SHOP)), // forged
            r(SHOP, click("u2", "req-bad-3", SHOP, NOW / 1000 - 1)), // expired
            r(SHOP, TOKENS.sign(claims(Kind.OPEN, "u2", "req-bad-4", VALID_UNTIL))), // wrong kind
            r(SHOP, TOKENS.sign(claims(Kind.UNSUBSCRIBE, "u2", "req-bad-5", VALID_UNTIL))), // wrong kind
            r(SHOP, good.substring(0, good.length() - 2) + "AA"), // tampered MAC
            "/r?u=" + enc(SHOP), // no token
            "/r?t=" + good, // no target
            r("javascript:alert(1)", click("u2", "req-bad-6", "javascript:alert(1)", VALID_UNTIL)) // not http(s)
        };
        for (String attack : attacks) {
            HttpResponse<byte[]> res = f.get(port, attack);
            assertThat(res.statusCode()).as(attack).isBetween(400, 499);
            assertThat(res.headers().firstValue("Location")).as(attack).isEmpty();
            String body = new String(res.body(), StandardCharsets.UTF_8);
            assertThat(body)
                    .as(attack)
                    .contains("<h1>")
                    .doesNotContain("evil.example.net")
                    .doesNotContain("href");
        }
        assertThat(f.get(port, r(SHOP, click("u2", "req-bad-3", SHOP, NOW / 1000 - 1)))
                        .statusCode())
                .isEqualTo(410);
        List<JsonNode> all = afterMarker("u2", "req-bad-marker");
        assertThat(all)
                .noneMatch(n -> n.path("requestId").asText().startsWith("req-bad-")
                        && !n.path("requestId").asText().equals("req-bad-marker"));
    }

    @Test
    void theOpenPixelRecordsOpensFlagsMachineOpensAndIsNeverCached() throws Exception {
        String person = TOKENS.sign(claims(Kind.OPEN, "u3", "req-open-1", VALID_UNTIL));
        String proxy = TOKENS.sign(claims(Kind.OPEN, "u3", "req-open-2", VALID_UNTIL));
        String scanner = TOKENS.sign(claims(Kind.OPEN, "u3", "req-open-3", VALID_UNTIL));
        HttpResponse<byte[]> res =
                f.get(port, "/o/" + person + ".gif", "User-Agent", "Mozilla/5.0 (Windows NT 10.0) Thunderbird/128");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("image/gif");
        assertThat(res.headers().firstValue("Cache-Control").orElse(""))
                .contains("no-store")
                .contains("no-cache");
        assertThat(res.body()).isEqualTo(TrackingHandler.PIXEL);
        assertThat(res.body()).startsWith("GIF89a".getBytes(StandardCharsets.US_ASCII));
        f.get(port, "/o/" + proxy + ".gif", "User-Agent", "Mozilla/5.0"); // Apple Mail Privacy Protection
        f.get(port, "/o?t=" + scanner, "User-Agent", "Mozilla/5.0 (compatible; Barracuda Sentinel)");
        // a bad token still gets the image, and records nothing
        HttpResponse<byte[]> bad = f.get(port, "/o/" + click("u3", "req-open-bad", SHOP, VALID_UNTIL) + ".gif");
        assertThat(bad.statusCode()).isEqualTo(200);
        assertThat(bad.body()).isEqualTo(TrackingHandler.PIXEL);

        List<JsonNode> all = afterMarker("u3", "req-open-marker");
        JsonNode human = find(all, "req-open-1", "OPENED");
        assertThat(human).isNotNull();
        assertThat(human.path("machine").asBoolean(false)).isFalse();
        assertThat(find(all, "req-open-2", "OPENED").path("machine").asBoolean())
                .isTrue();
        // the job flags known scanners by their user agent, which the service passes on
        assertThat(find(all, "req-open-3", "OPENED").path("userAgent").asText()).contains("Barracuda");
        assertThat(find(all, "req-open-bad", "OPENED")).isNull();
    }

    @Test
    void aOneClickPostUnsubscribesAndWritesASuppression() throws Exception {
        String token = TOKENS.sign(claims(Kind.UNSUBSCRIBE, "u4", "req-unsub-1", VALID_UNTIL));
        HttpResponse<byte[]> res = f.post(port, "/unsubscribe?t=" + token, "List-Unsubscribe=One-Click");
        assertThat(res.statusCode()).isEqualTo(200);
        List<JsonNode> sup =
                f.awaitRecords(f.suppressions, n -> "u4".equals(n.path("userId").asText()), Duration.ofSeconds(30));
        JsonNode s = sup.stream()
                .filter(n -> "u4".equals(n.path("userId").asText()))
                .findFirst()
                .orElseThrow();
        assertThat(s.path("reason").asText()).isEqualTo("UNSUBSCRIBED");
        assertThat(s.path("requestId").asText()).isEqualTo("req-unsub-1");
        assertThat(s.path("at").asLong()).isEqualTo(NOW);
        List<JsonNode> eng = f.awaitRecords(
                f.engagement, n -> "req-unsub-1".equals(n.path("requestId").asText()), Duration.ofSeconds(30));
        assertThat(find(eng, "req-unsub-1", "UNSUBSCRIBED")).isNotNull();
    }

    @Test
    void anUnsubscribePostWithoutAValidTokenOrOneClickBodyChangesNothing() throws Exception {
        String good = TOKENS.sign(claims(Kind.UNSUBSCRIBE, "u5", "req-nounsub-1", VALID_UNTIL));
        String clickToken = click("u5", "req-nounsub-2", SHOP, VALID_UNTIL);
        String forged = new SignedTokens(Keyring.of("k1", "another-secret-0123456789"))
                .sign(claims(Kind.UNSUBSCRIBE, "u5", "req-nounsub-3", VALID_UNTIL));
        assertThat(f.post(port, "/unsubscribe", "List-Unsubscribe=One-Click").statusCode())
                .isEqualTo(400);
        assertThat(f.post(port, "/unsubscribe?t=" + forged, "List-Unsubscribe=One-Click")
                        .statusCode())
                .isEqualTo(403);
        assertThat(f.post(port, "/unsubscribe?t=" + clickToken, "List-Unsubscribe=One-Click")
                        .statusCode())
                .isEqualTo(403);
        assertThat(f.post(port, "/unsubscribe?t=" + good, "").statusCode()).isEqualTo(400);
        assertThat(f.post(port, "/unsubscribe?t=" + good, "List-Unsubscribe=Yes")
                        .statusCode())
                .isEqualTo(400);
        List<JsonNode> all = afterMarker("u5", "req-nounsub-marker");
        assertThat(all)
                .noneMatch(n -> "UNSUBSCRIBED".equals(n.path("type").asText())
                        && "u5".equals(n.path("userId").asText()));
        assertThat(f.records(f.suppressions))
                .noneMatch(n -> "u5".equals(n.path("userId").asText()));
    }

    @Test
    void aGetShowsALocalizedConfirmationPageAndNeverUnsubscribes() throws Exception {
        String token = TOKENS.sign(claims(Kind.UNSUBSCRIBE, "u6", "req-page-1", VALID_UNTIL));
        HttpResponse<byte[]> en = f.get(port, "/unsubscribe?t=" + token);
        String page = new String(en.body(), StandardCharsets.UTF_8);
        assertThat(en.statusCode()).isEqualTo(200);
        assertThat(page)
                .contains("<html lang=\"en\"")
                .contains("<form method=\"post\" action=\"unsubscribe?t=" + token)
                .contains("name=\"List-Unsubscribe\" value=\"One-Click\"")
                .contains("Unsubscribe");
        assertThat(en.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("form-action 'self'");
        HttpResponse<byte[]> zh = f.get(port, "/unsubscribe?t=" + token, "Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5");
        assertThat(new String(zh.body(), StandardCharsets.UTF_8))
                .contains("<html lang=\"zh-CN\"")
                .contains("确认退订");
        assertThat(f.get(port, "/unsubscribe?t=garbage").statusCode()).isEqualTo(400);

        List<JsonNode> all = afterMarker("u6", "req-page-marker");
        assertThat(find(all, "req-page-1", "UNSUBSCRIBED")).isNull();
        assertThat(f.records(f.suppressions))
                .noneMatch(n -> "u6".equals(n.path("userId").asText()));

        // the page's own form, posted as a browser would, does unsubscribe
        HttpResponse<byte[]> done =
                f.post(port, "/unsubscribe?t=" + token + "&lang=zh-CN", "List-Unsubscribe=One-Click");
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(new String(done.body(), StandardCharsets.UTF_8)).contains("您已退订");
        f.awaitRecords(f.suppressions, n -> "u6".equals(n.path("userId").asText()), Duration.ofSeconds(30));
    }

    @Test
    void theLinksTheJobWritesAreAnsweredAsWritten() throws Exception {
        // the job's own link rewriting (UTM parameters, URL encoding, the pixel's path), pointed at this server
        String base = "http://127.0.0.1:" + port;
        SignedTokens.Claims clickClaims = claims(Kind.CLICK, "u7", "req-job-1", VALID_UNTIL);
        String html = new LinkTracker(base, true)
                .rewrite(
                        "<html><body><a href=\"https://shop.example.com/p/a+b?x=1&amp;y=%C3%A9\">item</a></body></html>",
                        "abandoned-cart",
                        target -> TOKENS.sign(clickClaims, target),
                        TOKENS.sign(claims(Kind.OPEN, "u7", "req-job-2", VALID_UNTIL)));
        java.util.regex.Matcher link =
                java.util.regex.Pattern.compile("href=\"([^\"]+)\"").matcher(html);
        java.util.regex.Matcher pixel =
                java.util.regex.Pattern.compile("src=\"([^\"]+)\"").matcher(html);
        assertThat(link.find()).isTrue();
        assertThat(pixel.find()).isTrue();
        String href = link.group(1).replace("&amp;", "&").substring(base.length());
        HttpResponse<byte[]> res = f.get(port, href);
        assertThat(res.statusCode()).isEqualTo(302);
        assertThat(res.headers().firstValue("Location").orElseThrow())
                .startsWith("https://shop.example.com/p/a+b?x=1&y=%C3%A9&utm_source=mailflow");
        assertThat(f.get(port, pixel.group(1).substring(base.length())).body()).isEqualTo(TrackingHandler.PIXEL);
        List<JsonNode> all = afterMarker("u7", "req-job-marker");
        assertThat(find(all, "req-job-1", "CLICKED")).isNotNull();
        assertThat(find(all, "req-job-2", "OPENED")).isNotNull();
    }

    @Test
    void hostileRequestsGetAClientErrorOrThePixelNeverAServerError() throws Exception {
        String big = "A".repeat(20_000);
        String[] gets = {
            "/r?u=%zz&t=%",
            "/r?u=" + big + "&t=" + big,
            "/o/%ff%fe.gif",
            "/o/" + big + ".gif",
            "/o?t=a.b.c",
            "/unsubscribe?t=%00%0d%0a",
            "/unsubscribe?t=k1..",
            "/r?u=https%3A%2F%2Fa&t=k1.%E2%80%AE.x"
        };
        for (String g : gets) {
            int status = rawGet(g);
            assertThat(status).as(g).isLessThan(500).isNotEqualTo(302);
        }
        String token = TOKENS.sign(claims(Kind.UNSUBSCRIBE, "u8", "req-hostile-1", VALID_UNTIL));
        assertThat(f.post(port, "/unsubscribe?t=" + token, "List-Unsubscribe=One-Click&" + "x".repeat(10_000))
                        .statusCode())
                .isEqualTo(400);
        assertThat(f.post(port, "/unsubscribe?t=" + token, "List-Unsubscribe=%zz")
                        .statusCode())
                .isEqualTo(400);
        List<JsonNode> all = afterMarker("u8", "req-hostile-marker");
        assertThat(find(all, "req-hostile-1", "UNSUBSCRIBED")).isNull();
    }

    /** The status of a GET sent as raw bytes: the JDK's client refuses to send malformed URLs. */
    private static int rawGet(String target) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            String statusLine = new java.io.BufferedReader(
                            new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
                    .readLine();
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    @Test
    void healthAndPrometheusMetrics() throws Exception {
        HttpResponse<byte[]> health = f.get(port, "/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(new String(health.body(), StandardCharsets.UTF_8))
                .contains("\"status\":\"UP\"")
                .contains("\"events\":\"kafka\"");
        f.get(port, r(SHOP, "not-a-token"));
        HttpResponse<byte[]> metrics = f.get(port, "/metrics");
        String text = new String(metrics.body(), StandardCharsets.UTF_8);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(text)
                .contains("# TYPE mailflow_tracking_requests_total counter")
                .contains("mailflow_tracking_requests_total{outcome=\"MALFORMED\",route=\"r\"}")
                .contains("mailflow_tracking_request_duration_seconds_bucket{")
                .contains("mailflow_tracking_spool_records 0")
                .contains("mailflow_tracking_spooling 0");
        assertThat(f.get(port, "/ping").statusCode()).isEqualTo(204);
        assertThat(f.get(port, "/nothing-here").statusCode()).isEqualTo(404);
    }
}
