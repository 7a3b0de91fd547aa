package io.mailflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.mailflow.config.MailflowConfig;
import io.mailflow.job.MailflowJob;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.LiveShoppers;
import io.mailflow.testing.PipelineFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * No secret in savepoints or metrics: the real, unbounded topology runs with a recognizable link secret and an
 * SMTP password that is really used (SMTP AUTH against GreenMail, which only accepts that password), until
 * e-mails are out; then every metric the Prometheus endpoint serves (names, labels, values) is scraped, the
 * job is stopped with a canonical savepoint, and every byte of every savepoint file is searched for the
 * secrets, as text and base64. Controls: the savepoint does hold the run's state (a user id of the run)
 * and the scrape does hold the delivery metrics. The secrets are given through the configuration here (in
 * production they come from the environment of the task managers): this test is about what the operators
 * keep and report, {@code NoSecretInJobGraphTest} about the environment path.
 */
class NoSecretInSavepointAndMetricsITCase {
    private static final String LINK_SECRET = "planted-link-secret-Wq93nXc7";
    private static final String SMTP_PASSWORD = "planted-smtp-password-Hv28";
    private static final String SMTP_USER = "mailer-user";
    private static final int PORT = freePort();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(FlinkTestEnv.PARALLELISM)
            .setConfiguration(PrometheusMetricsITCase.prometheus(PORT))
            .build());

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @TempDir
    Path savepoints;

    @Test
    void savepointFilesAndMetricsHoldNoSecret() throws Exception {
        SMTP.setUser("shop@shop.test", SMTP_USER, SMTP_PASSWORD);
        PipelineFixture f = PipelineFixture.create(
                KAFKA.broker(),
                "secrets",
                SMTP.getSmtp().getPort(),
                "job.bounded",
                "false",
                "session.gap",
                "1s",
                "abandoned-cart.delay",
                "1s",
                "profiles.grace",
                "1s",
                "ingest.max-out-of-orderness",
                "1s",
                // live wall-clock event time: no quiet hours, so that the outcome does not depend on the time of day
                "guardrails.quiet-hours-start",
                "0ms",
                "guardrails.quiet-hours-end",
                "0ms");
        MailflowConfig config = f.config().toBuilder()
                .linkSecret(LINK_SECRET)
                .smtpPassword(SMTP_PASSWORD)
                .set("smtp.username", SMTP_USER)
                // GreenMail here has no TLS; the point is that the password is used, not how it travels
                .set("smtp.allow-auth-without-tls", "true")
                .build();
        StreamExecutionEnvironment env = FlinkTestEnv.env();
        JobClient job = MailflowJob.start(env, config);
        String metrics;
        Path savepoint;
        // five shoppers leave their carts over two seconds (wall-clock event time, clock ticks keep it moving)
        try (LiveShoppers shoppers = new LiveShoppers(config, "sec", 5, Duration.ofSeconds(2)).start()) {
            metrics = awaitMetric("emailsSent", 5, Duration.ofSeconds(120));
            assertThat(SMTP.getReceivedMessages()).as("sent with SMTP AUTH").hasSizeGreaterThanOrEqualTo(5);
            savepoint = Path.of(URI.create(
                    job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                            .get()));
        } catch (Exception | AssertionError e) {
            job.cancel();
            throw e;
        }

        List<Path> files;
        try (Stream<Path> all = Files.walk(savepoint)) {
            files = all.filter(Files::isRegularFile).toList();
        }
        assertThat(files).isNotEmpty();
        StringBuilder everything = new StringBuilder();
        for (Path file : files) {
            // ISO-8859-1 maps every byte to one char: an ASCII secret anywhere in the bytes is found as text
            everything
                    .append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
                    .append('\n');
        }
        String savepointBytes = everything.toString();
        // the controls: the scan reads the state and the metrics
        assertThat(savepointBytes).as("the savepoint holds the run's users").contains(LiveShoppers.user("sec", 0));
        assertThat(metrics).containsPattern("(?m)^flink_taskmanager_job_task_operator_emailsSent\\{");
        for (String secret : List.of(LINK_SECRET, SMTP_PASSWORD)) {
            for (String form : forms(secret)) {
                assertThat(savepointBytes).as("savepoint").doesNotContain(form);
                assertThat(metrics).as("metrics").doesNotContain(form);
            }
        }
    }

    /** The secret as text and base64 (the forms a serializer or a header would give it). */
    private static List<String> forms(String secret) {
        List<String> out = new ArrayList<>();
        out.add(secret);
        byte[] b = secret.getBytes(StandardCharsets.UTF_8);
        out.add(Base64.getEncoder().withoutPadding().encodeToString(b));
        out.add(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
        return out;
    }

    /** Scrapes until the summed value of {@code name} over all subtasks reaches {@code atLeast}. */
    private static String awaitMetric(String name, double atLeast, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/metrics"))
                .build();
        Pattern line = Pattern.compile("(?m)^flink_taskmanager_job_task_operator_" + name + "\\{[^}]*} (\\S+)$");
        long deadline = System.nanoTime() + timeout.toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            body = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
            double sum = 0;
            Matcher m = line.matcher(body);
            while (m.find()) {
                sum += Double.parseDouble(m.group(1));
            }
            if (sum >= atLeast) {
                return body;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("metric " + name + " did not reach " + atLeast + " within " + timeout);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
