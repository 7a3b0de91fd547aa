package io.mailflow.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;

/**
 * Reads a running job's metrics from Flink's Prometheus reporter on 127.0.0.1 (configured with
 * {@link #reporter(int)}), the way an operator's Prometheus would, so tests observe the job from outside.
 */
public final class PrometheusScraper {
    private static final Pattern SERIES = Pattern.compile("(?m)^(flink_[A-Za-z0-9_]+)\\{([^}]*)} (\\S+)$");
    private static final Pattern TASK_NAME = Pattern.compile("task_name=\"([^\"]*)\"");

    private final HttpClient http = HttpClient.newHttpClient();
    private final HttpRequest get;

    public PrometheusScraper(int port) {
        this.get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .build();
    }

    /** Flink configuration that serves every metric of a MiniCluster on {@code port}. */
    public static Configuration reporter(int port) {
        Configuration c = new Configuration();
        c.setString(
                "metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        c.setString("metrics.reporter.prom.port", Integer.toString(port));
        return c;
    }

    /** One scrape. */
    public Scrape scrape() throws Exception {
        return new Scrape(http.send(get, HttpResponse.BodyHandlers.ofString()).body());
    }

    /** The series of one scrape, summed or maximised over subtasks. */
    public static final class Scrape {
        private final String body;

        Scrape(String body) {
            this.body = body;
        }

        /** Sum over all series of {@code flink_taskmanager_job_task_operator_<name>} (every subtask). */
        public double operatorSum(String name) {
            return sum("flink_taskmanager_job_task_operator_" + name);
        }

        /** Sum over all series of a metric by its full Prometheus name. */
        public double sum(String metric) {
            double sum = 0;
            Matcher m = SERIES.matcher(body);
            while (m.find()) {
                if (m.group(1).equals(metric)) {
                    sum += Double.parseDouble(m.group(3));
                }
            }
            return sum;
        }

        /** For a task metric ({@code flink_taskmanager_job_task_<name>}): the largest value per task name. */
        public Map<String, Double> taskMax(String name) {
            Map<String, Double> out = new HashMap<>();
            Matcher m = SERIES.matcher(body);
            while (m.find()) {
                if (m.group(1).equals("flink_taskmanager_job_task_" + name)) {
                    Matcher task = TASK_NAME.matcher(m.group(2));
                    String taskName = task.find() ? task.group(1) : "?";
                    out.merge(taskName, Double.parseDouble(m.group(3)), Math::max);
                }
            }
            return out;
        }
    }
}
