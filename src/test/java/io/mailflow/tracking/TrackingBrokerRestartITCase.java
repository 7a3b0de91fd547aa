package io.mailflow.tracking;

import static io.mailflow.tracking.TrackingFixture.TOKENS;
import static io.mailflow.tracking.TrackingFixture.claims;
import static io.mailflow.tracking.TrackingFixture.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.email.SignedTokens.Kind;
import io.mailflow.testing.KafkaExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zero engagement events lost across a broker restart: while the broker is down the service keeps redirecting,
 * the events that Kafka does not acknowledge within the delivery timeout go to the on-disk spool, and when the
 * broker is back the spool is replayed and emptied. A second service instance, started on the spool a stopped
 * one left behind, replays it too (a restart of the service during the outage).
 */
class TrackingBrokerRestartITCase {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    private static final String SHOP = "https://shop.example.com/c/shoes";
    private static final int BEFORE = 10;
    private static final int DURING = 40;
    private static final int AFTER_SERVICE_RESTART = 10;

    @TempDir
    Path spool;

    @Test
    void noClickIsLostWhileTheBrokerRestarts() throws Exception {
        TrackingFixture f = new TrackingFixture(KAFKA.broker(), "restart");
        long validUntil = System.currentTimeMillis() / 1000 + 3600;
        Set<String> expected = new HashSet<>();
        TrackingSettings settings = f.settings(spool, "2s");
        try (TrackingServer server = TrackingServer.start(settings, TrackingFixture.KEYS, Clock.systemUTC())) {
            for (int i = 0; i < BEFORE; i++) {
                expected.add(click(f, server.port(), "before-" + i, validUntil));
            }
            f.awaitRecords(
                    f.engagement, n -> "before-9".equals(n.path("requestId").asText()), Duration.ofSeconds(30));

            KAFKA.broker().stopBroker();
            for (int i = 0; i < DURING; i++) {
                expected.add(click(f, server.port(), "during-" + i, validUntil));
            }
            await(() -> server.spooledRecords() == DURING && !server.kafkaUp(), Duration.ofSeconds(60));
            HttpResponse<byte[]> health = f.get(server.port(), "/health");
            assertThat(new String(health.body()))
                    .contains("\"events\":\"spool\"")
                    .contains("\"spooledRecords\":" + DURING);
        }
        // the service itself restarts during the outage: it finds its spool and goes on
        try (TrackingServer server = TrackingServer.start(settings, TrackingFixture.KEYS, Clock.systemUTC())) {
            assertThat(server.spooledRecords()).isEqualTo(DURING);
            for (int i = 0; i < AFTER_SERVICE_RESTART; i++) {
                expected.add(click(f, server.port(), "restarted-" + i, validUntil));
            }
            KAFKA.broker().startBroker();
            await(() -> server.spooledRecords() == 0 && server.kafkaUp(), Duration.ofSeconds(90));

            List<JsonNode> all = f.awaitRecords(
                    f.engagement, n -> "restarted-9".equals(n.path("requestId").asText()), Duration.ofSeconds(30));
            Set<String> got = all.stream()
                    .filter(n -> "CLICKED".equals(n.path("type").asText()))
                    .map(n -> n.path("requestId").asText())
                    .collect(Collectors.toSet());
            assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
            // at least once: each event id at least once, and every record is one of the clicks made
            assertThat(all).hasSizeGreaterThanOrEqualTo(expected.size());
            // Kafka is back: events go straight to it again
            expected.add(click(f, server.port(), "after-0", validUntil));
            f.awaitRecords(
                    f.engagement, n -> "after-0".equals(n.path("requestId").asText()), Duration.ofSeconds(30));
            assertThat(server.spooledRecords()).isZero();
        }
    }

    private static String click(TrackingFixture f, int port, String request, long validUntil) throws Exception {
        String token = TOKENS.sign(claims(Kind.CLICK, "u-" + request, request, validUntil), SHOP);
        HttpResponse<byte[]> res = f.get(port, "/r?u=" + enc(SHOP) + "&t=" + token);
        // redirects keep working whatever Kafka does
        assertThat(res.statusCode()).isEqualTo(302);
        assertThat(res.headers().firstValue("Location")).hasValue(SHOP);
        return request;
    }

    private static void await(BooleanSupplier condition, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within " + max);
            }
            Thread.sleep(100);
        }
    }
}
