package io.mailflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.mailflow.job.MailflowJob;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.PipelineFixture;
import io.mailflow.testing.Scenario;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A running Mailflow job serves its metrics on the Prometheus endpoint: a MiniCluster configured like
 * flink-conf/config.yaml (the PrometheusReporterFactory on a port) runs the real, unbounded topology
 * against a real broker and SMTP server, and the test scrapes {@code /metrics} while it runs.
 */
class PrometheusMetricsITCase {
    private static final int PORT = freePort();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(FlinkTestEnv.PARALLELISM)
            .setConfiguration(prometheus(PORT))
            .build());

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    static Configuration prometheus(int port) {
        Configuration c = new Configuration();
        c.setString(
                "metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        c.setString("metrics.reporter.prom.port", Integer.toString(port));
        return c;
    }

    @Test
    void runningJobServesMailflowMetricsOnThePrometheusEndpoint() throws Exception {
        PipelineFixture f = PipelineFixture.create(
                KAFKA.broker(),
                "prom",
                SMTP.getSmtp().getPort(),
                "job.bounded",
                "false",
                "abandoned-cart.delay",
                "0ms",
                "session.gap",
                "1s",
                "ingest.idleness",
                "1s");
        Scenario scenario = new Scenario().abandoners(5, "p");
        scenario.publish(KAFKA.broker(), f.config());
        StreamExecutionEnvironment env = FlinkTestEnv.env();
        JobClient job = MailflowJob.start(env, f.config());
        try {
            String metrics = awaitMetric("eventsValid", 5, Duration.ofSeconds(90));
            // Every stage's metrics, as Prometheus names them (operator scope plus the metric name).
            List<String> names = List.of(
                    "eventsValid",
                    "eventsInvalid",
                    "duplicateEvents",
                    "sessionsClosed",
                    "campaignTriggered",
                    "guardrailDeferred",
                    "requestsBlockedByContactRules",
                    "emailsSent",
                    "emailsFailed",
                    "sendRetries",
                    "engagementValid",
                    "engagementInvalid",
                    "engagementSuppressions",
                    "purchasesUnattributed",
                    "propensityTrainedVersion",
                    "servedAuc");
            // A task registers its metrics when it opens, which can be after the first events went through
            // the source: scrape again until every task has (this raced on a loaded machine).
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!names.stream().allMatch(servedIn(metrics)) && System.nanoTime() < deadline) {
                Thread.sleep(500);
                metrics = awaitMetric("eventsValid", 5, Duration.ofSeconds(90));
            }
            for (String name : names) {
                assertThat(metrics)
                        .as("metric %s is served", name)
                        .containsPattern("(?m)^flink_taskmanager_job_task_operator_" + name + "\\{");
            }
            assertThat(metrics).contains("job_name=\"mailflow\"");
        } finally {
            job.cancel().get();
        }
    }

    private static java.util.function.Predicate<String> servedIn(String metrics) {
        return name -> Pattern.compile("(?m)^flink_taskmanager_job_task_operator_" + name + "\\{")
                .matcher(metrics)
                .find();
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
            try {
                body = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
            } catch (java.io.IOException e) {
                // the reporter's endpoint closed a connection (seen once while another build on the machine was
                // starting and stopping its own reporters): scrape again, as Prometheus would, until the deadline
                Thread.sleep(500);
                continue;
            }
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
        throw new AssertionError("metric " + name + " did not reach " + atLeast + " within " + timeout
                + "; last scrape:\n"
                + body.lines().filter(l -> l.contains("operator_")).limit(40).reduce("", (a, b) -> a + b + "\n"));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
