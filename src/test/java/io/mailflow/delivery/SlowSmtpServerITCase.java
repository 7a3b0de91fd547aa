package io.mailflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.delivery.ScriptedSmtpServer.Stage;
import io.mailflow.model.RenderedEmail;
import io.mailflow.model.SendResult;
import io.mailflow.testing.FlinkTestEnv;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reliability (issue 11): a slow SMTP server that answers the end of each message after 30 s, longer than
 * the async timeout (10 s). The delivery stage on a MiniCluster (parallelism 2, 2 threads each) sends 40
 * e-mails; the first 4 messages meet the slow answers. A request whose DATA is under way when the timeout
 * fires cannot be called back, so its result must report the truth (SENT) instead of "failed"; the
 * requests queued behind it time out before DATA and must never be sent. Asserted: every message the
 * server accepted has a SENT result, no accepted message has a failed result, nothing is accepted twice,
 * every request has exactly one result, and the job finishes by itself. 127.0.0.1 only; about 40 s.
 */
@Tag("reliability")
class SlowSmtpServerITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @Test
    @Timeout(180)
    void aSlowServerNeverMakesAResultLie() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().slow(Stage.END, 30_000, 4)) {
            List<RenderedEmail> emails = IntStream.range(0, 40)
                    .mapToObj(i -> Emails.to("r" + i, "u" + i, "user" + i + "@example.com"))
                    .toList();
            SmtpSettings smtp = new SmtpSettings(
                    "127.0.0.1", server.port(), SmtpSecurity.NONE, "", "", 60_000, "shop@shop.test", "Shop");
            DeliverySettings settings = new DeliverySettings(
                    2, 8, Duration.ofSeconds(10), new RetryPolicy(3, 100, 500), new RateLimits.Config(0, 0));
            StreamExecutionEnvironment env = FlinkTestEnv.env();
            DeliveryStage.Outputs out = DeliveryStage.attach(
                    env.fromData(emails), settings, () -> new SmtpMailClient(smtp), SendLedgerFactory.none());
            long t0 = System.nanoTime();
            List<SendResult> results = new ArrayList<>();
            out.results().executeAndCollect().forEachRemaining(results::add);
            long seconds = Duration.ofNanos(System.nanoTime() - t0).toSeconds();

            Map<String, SendResult> byRequest =
                    results.stream().collect(Collectors.toMap(SendResult::requestId, Function.identity()));
            assertThat(byRequest).as("exactly one result per request").hasSize(40);
            assertThat(results).hasSize(40);
            List<String> accepted = server.accepted();
            assertThat(accepted).as("nothing accepted twice").doesNotHaveDuplicates();
            for (String address : accepted) {
                String requestId = "r" + address.substring(4, address.indexOf('@'));
                assertThat(byRequest.get(requestId).status())
                        .as(requestId + " went out")
                        .isEqualTo(SendResult.SENT);
            }
            long sent = results.stream().filter(SendResult::sent).count();
            assertThat(sent).isEqualTo(accepted.size());
            long timedOut = results.stream()
                    .filter(r -> r.smtpReply() != null && r.smtpReply().contains("timeout"))
                    .count();
            System.out.printf(
                    "slow SMTP (30 s at end of DATA, timeout 10 s): %d results, %d SENT = %d accepted, "
                            + "%d timed out before DATA, %d s%n",
                    results.size(), sent, accepted.size(), timedOut, seconds);
            assertThat(seconds).isLessThan(150);
        }
    }
}
