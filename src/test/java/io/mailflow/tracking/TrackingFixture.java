package io.mailflow.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.email.Keyring;
import io.mailflow.email.SignedTokens;
import io.mailflow.io.Json;
import io.mailflow.testkit.EmbeddedKafka;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A tracking service on a real broker, the tokens the job would sign, and an HTTP client that never follows redirects. */
final class TrackingFixture {
    static final String SECRET = "tracking-test-secret-0123456789";
    static final Keyring KEYS = Keyring.of("k1", SECRET);
    static final SignedTokens TOKENS = new SignedTokens(KEYS);

    final EmbeddedKafka kafka;
    final String engagement;
    final String suppressions;
    final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    TrackingFixture(EmbeddedKafka kafka, String prefix) throws Exception {
        this.kafka = kafka;
        this.engagement = prefix + ".engagement";
        this.suppressions = prefix + ".suppressions";
        kafka.createTopic(engagement, 2, false);
        kafka.createTopic(suppressions, 1, true);
    }

    TrackingSettings settings(Path spool, String deliveryTimeout) {
        return TrackingSettings.parse(
                "--bind",
                "127.0.0.1",
                "--port",
                "0",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--engagement-topic",
                engagement,
                "--suppressions-topic",
                suppressions,
                "--spool-dir",
                spool.toString(),
                "--delivery-timeout",
                deliveryTimeout);
    }

    static SignedTokens.Claims claims(SignedTokens.Kind kind, String user, String request, long expiresAtSeconds) {
        return new SignedTokens.Claims(kind, user, "abandoned-cart", request, expiresAtSeconds);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    HttpResponse<byte[]> get(int port, String pathAndQuery, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> post(int port, String pathAndQuery, String body) throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(r, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The records of a topic as JSON, once one of them matches {@code until} (a bounded wait, not a sleep). */
    List<JsonNode> awaitRecords(String topic, Predicate<JsonNode> until, Duration max) throws Exception {
        return awaitRecords(topic, until, max, 1);
    }

    /** The topic's records once at least {@code count} of them match {@code until}. */
    List<JsonNode> awaitRecords(String topic, Predicate<JsonNode> until, Duration max, int count) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            List<JsonNode> all = records(topic);
            if (all.stream().filter(until).count() >= count) {
                return all;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no matching record in " + topic + " after " + max + "; got " + all);
            }
            Thread.sleep(100);
        }
    }

    List<JsonNode> records(String topic) throws IOException {
        List<ConsumerRecord<byte[], byte[]>> raw = kafka.readAll(topic);
        List<JsonNode> out = new java.util.ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : raw) {
            out.add(Json.mapper().readTree(r.value()));
        }
        return out;
    }
}
