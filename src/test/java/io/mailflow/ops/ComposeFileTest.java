package io.mailflow.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.job.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs where the tests run, so docker-compose.yml is checked statically: it parses,
 * uses the official images at the versions the build uses, publishes the documented ports, mounts
 * only files that exist, depends only on services that exist, and agrees with flink-conf/, Prometheus,
 * Grafana and the job's topics.
 */
class ComposeFileTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final ObjectMapper YAML = new YAMLMapper();
    private static JsonNode services;
    private static String composeText;

    @BeforeAll
    static void parse() throws Exception {
        composeText = Files.readString(ROOT.resolve("docker-compose.yml"));
        services = YAML.readTree(composeText).path("services");
    }

    @Test
    void hasTheWholeStack() {
        assertThat(names(services))
                .containsExactlyInAnyOrder(
                        "kafka",
                        "kafka-init",
                        "flink-data-init",
                        "jobmanager",
                        "taskmanager",
                        "submit-job",
                        "generator",
                        "tracking",
                        "mailpit",
                        "prometheus",
                        "grafana");
    }

    @Test
    void usesTheOfficialImagesPinnedToTheBuildsVersions() {
        String flinkImage = "flink:" + EnvironmentInformation.getVersion() + "-java17";
        for (String s :
                List.of("jobmanager", "taskmanager", "submit-job", "generator", "tracking", "flink-data-init")) {
            assertThat(image(s)).as(s).isEqualTo(flinkImage);
        }
        assertThat(image("kafka")).startsWith("apache/kafka:").isEqualTo(image("kafka-init"));
        assertThat(image("mailpit")).startsWith("axllent/mailpit:");
        assertThat(image("prometheus")).startsWith("prom/prometheus:");
        assertThat(image("grafana")).startsWith("grafana/grafana:");
        for (String s : names(services)) {
            assertThat(image(s))
                    .as("image of " + s + " is pinned")
                    .contains(":")
                    .doesNotEndWith(":latest");
        }
    }

    @Test
    void kafkaRunsInKraftModeWithoutZooKeeper() {
        JsonNode env = services.path("kafka").path("environment");
        assertThat(env.path("KAFKA_PROCESS_ROLES").asText()).contains("broker").contains("controller");
        assertThat(env.path("KAFKA_ADVERTISED_LISTENERS").asText())
                .contains("kafka:19092")
                .contains("localhost:9092");
        assertThat(composeText.toLowerCase(java.util.Locale.ROOT)).doesNotContain("zookeeper");
    }

    @Test
    void publishesTheDocumentedPortsOnce() {
        Map<String, String> hostPorts = new HashMap<>();
        for (String s : names(services)) {
            for (JsonNode p : services.path(s).path("ports")) {
                // HOST_PORT:CONTAINER_PORT or HOST_IP:HOST_PORT:CONTAINER_PORT
                String[] parts = p.asText().split(":");
                String host = parts.length == 3 ? parts[1] : parts[0];
                assertThat(hostPorts.put(host, s))
                        .as("host port " + host + " used twice")
                        .isNull();
            }
        }
        assertThat(hostPorts)
                .containsEntry("9092", "kafka")
                .containsEntry("8081", "jobmanager")
                .containsEntry("8025", "mailpit")
                .containsEntry("1025", "mailpit")
                .containsEntry("9090", "prometheus")
                .containsEntry("3000", "grafana")
                .containsEntry("8090", "tracking");
    }

    @Test
    void everyMountedHostFileExistsAndEveryNamedVolumeIsDeclared() throws Exception {
        Set<String> declared = names(YAML.readTree(composeText).path("volumes"));
        for (String s : names(services)) {
            for (JsonNode v : services.path(s).path("volumes")) {
                String source = v.asText().split(":")[0];
                if (source.startsWith("./") || source.startsWith("/")) {
                    assertThat(ROOT.resolve(source)).as(s + " mounts " + source).exists();
                } else {
                    assertThat(declared).as(s + " uses volume " + source).contains(source);
                }
            }
        }
    }

    @Test
    void scriptsRunByContainersAreMounted() {
        for (String s : names(services)) {
            List<String> mounts = new ArrayList<>();
            for (JsonNode v : services.path(s).path("volumes")) {
                mounts.add(v.asText().split(":")[1]);
            }
            for (JsonNode arg : services.path(s).path("entrypoint")) {
                if (arg.asText().startsWith("/opt/mailflow/") || arg.asText().startsWith("/mailflow/")) {
                    assertThat(mounts)
                            .as(s + " runs " + arg.asText())
                            .anySatisfy(m -> assertThat(arg.asText()).startsWith(m));
                }
            }
        }
        for (String script : List.of("create-topics.sh", "submit-job.sh", "generator.sh", "tracking.sh")) {
            assertThat(ROOT.resolve("docker").resolve(script)).isExecutable();
        }
    }

    @Test
    void dependenciesExistAndHealthConditionsHaveHealthchecks() {
        Set<String> all = names(services);
        for (String s : all) {
            JsonNode deps = services.path(s).path("depends_on");
            Set<String> targets =
                    deps.isArray() ? stream(deps).map(JsonNode::asText).collect(Collectors.toSet()) : names(deps);
            for (String t : targets) {
                assertThat(all).as(s + " depends on " + t).contains(t);
                String condition = deps.path(t).path("condition").asText("service_started");
                assertThat(condition).isIn("service_started", "service_healthy", "service_completed_successfully");
                if (condition.equals("service_healthy")) {
                    assertThat(services.path(t).has("healthcheck"))
                            .as(t + " has a healthcheck")
                            .isTrue();
                }
            }
        }
        assertThat(services.path("submit-job")
                        .path("depends_on")
                        .path("kafka-init")
                        .path("condition")
                        .asText())
                .isEqualTo("service_completed_successfully");
    }

    @Test
    void composeInterpolatesOnlyTheSecretsFromTheCallersEnvironment() {
        // A single '$' would be replaced by Compose before the shell sees it; every one here is meant for the
        // shell, except the secrets, which Compose takes from the environment of `docker compose up`.
        String secrets = "\\$\\{MAILFLOW_(LINK_SECRET|SMTP_PASSWORD):[?-][^}]*\\}";
        assertThat(composeText.replace("$$", "").replaceAll(secrets, "")).doesNotContain("$");
        assertThat(services.path("taskmanager")
                        .path("environment")
                        .path("MAILFLOW_LINK_SECRET")
                        .asText())
                .startsWith("${MAILFLOW_LINK_SECRET:?");
        assertThat(composeText).doesNotContainPattern("\\n *MAILFLOW_LINK_SECRET: *[^$ ]");
    }

    @Test
    void topicsAreTheJobsTopics() throws Exception {
        List<String> expected = Topics.all(MailflowConfig.defaults()).stream()
                .map(t -> t.name() + " " + t.partitions() + " " + (t.compacted() ? "compact" : "delete"))
                .toList();
        List<String> listed = Files.readAllLines(ROOT.resolve("docker/topics.txt")).stream()
                .map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .map(l -> l.replaceAll("\\s+", " "))
                .toList();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void jobConfigurationIsValidAndPointsAtTheStack() {
        MailflowConfig job = MailflowConfig.fromArgs(
                new String[] {"--config", ROOT.resolve("docker/job.yaml").toString()});
        assertThat(job.get(MailflowOptions.KAFKA_BOOTSTRAP)).isEqualTo("kafka:19092");
        assertThat(job.get(MailflowOptions.SMTP_HOST)).isEqualTo("mailpit");
        assertThat(services.path("mailpit").path("ports").toString())
                .contains(":" + job.get(MailflowOptions.SMTP_PORT) + "\"");
        // A job without a campaign sends nothing: the stack loads the default campaigns, and they are valid.
        assertThat(job.get(MailflowOptions.CAMPAIGNS_FILE)).isEqualTo("classpath:campaigns/default-campaigns.yaml");
        assertThat(io.mailflow.job.PipelineSettings.campaigns(job).initial())
                .extracting(c -> c.id())
                .contains("abandoned-cart");
        // the links of the stack's e-mails reach its tracking service, which shares the link secret
        assertThat(job.get(MailflowOptions.TRACKING_BASE_URL)).isEqualTo("http://localhost:8090");
        assertThat(services.path("tracking")
                        .path("environment")
                        .path("MAILFLOW_LINK_SECRET")
                        .asText())
                .startsWith("${MAILFLOW_LINK_SECRET:?");
    }

    @Test
    void flinkConfigurationIsWhatProductionNeeds() {
        Configuration conf =
                GlobalConfiguration.loadConfiguration(ROOT.resolve("flink-conf").toString());
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).startsWith("file:///var/lib/mailflow/");
        assertThat(conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).startsWith("file:///var/lib/mailflow/");
        assertThat(conf.get(PipelineOptions.GENERIC_TYPES)).isFalse();
        // Issue 11: a restart strategy that gives up, so a poisoned record cannot restart the job forever.
        assertThat(conf.getString("restart-strategy.type", "")).isEqualTo("failure-rate");
        assertThat(conf.getString("restart-strategy.failure-rate.max-failures-per-interval", ""))
                .isEqualTo("10");
        assertThat(conf.getString("restart-strategy.failure-rate.failure-rate-interval", ""))
                .isEqualTo("10min");
        assertThat(conf.getString("metrics.reporter.prom.factory.class", ""))
                .isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        // Checkpoints and savepoints must be where every Flink container mounts the shared volume.
        for (String s : List.of("jobmanager", "taskmanager", "submit-job")) {
            assertThat(services.path(s).path("volumes").toString()).as(s).contains("flink-data:/var/lib/mailflow");
        }
        for (String f : List.of("log4j.properties", "log4j-console.properties", "log4j-cli.properties")) {
            assertThat(ROOT.resolve("flink-conf").resolve(f)).exists();
        }
    }

    /**
     * Flink's REST API has no authentication (whoever reaches it can run code on the cluster): the production
     * configuration names the address it listens on, and it is never the wildcard. The compose stack, which
     * must listen on the container's interface, changes only its own copy, only those two lines, and publishes
     * the port on the host's loopback; the local cluster scripts bind it to 127.0.0.1 too.
     */
    @Test
    void restApiIsBoundToAConfiguredAddressNeverTheWildcard(@org.junit.jupiter.api.io.TempDir Path copy)
            throws Exception {
        Configuration conf =
                GlobalConfiguration.loadConfiguration(ROOT.resolve("flink-conf").toString());
        assertThat(conf.contains(RestOptions.BIND_ADDRESS))
                .as("rest.bind-address is set")
                .isTrue();
        assertThat(conf.contains(RestOptions.ADDRESS)).as("rest.address is set").isTrue();
        String bind = conf.get(RestOptions.BIND_ADDRESS).trim();
        assertThat(bind).isNotEmpty().isNotIn("0.0.0.0", "::", "[::]", "*", "0:0:0:0:0:0:0:0");
        assertThat(bind).isEqualTo("127.0.0.1");

        // docker-compose.yml: replay the jobmanager's sed on the configuration as the container does
        String entrypoint =
                services.path("jobmanager").path("entrypoint").get(2).asText();
        java.util.regex.Matcher sed =
                java.util.regex.Pattern.compile("-e 's/([^/]*)/([^/]*)/'").matcher(entrypoint);
        String original = Files.readString(ROOT.resolve("flink-conf/config.yaml"));
        String container = original;
        int expressions = 0;
        while (sed.find()) {
            expressions++;
            String from = sed.group(1).replace("$$", "$");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(from, java.util.regex.Pattern.MULTILINE)
                    .matcher(container);
            assertThat(m.results().count()).as("lines matching " + from).isEqualTo(1);
            container = java.util.regex.Pattern.compile(from, java.util.regex.Pattern.MULTILINE)
                    .matcher(container)
                    .replaceAll(sed.group(2));
        }
        assertThat(expressions).isEqualTo(2);
        Files.writeString(copy.resolve("config.yaml"), container);
        Configuration inContainer = GlobalConfiguration.loadConfiguration(copy.toString());
        assertThat(inContainer.get(RestOptions.BIND_ADDRESS)).isEqualTo("0.0.0.0");
        assertThat(inContainer.get(RestOptions.ADDRESS)).isEqualTo("jobmanager");
        Map<String, String> before = conf.toMap();
        Map<String, String> after = inContainer.toMap();
        before.remove(RestOptions.BIND_ADDRESS.key());
        before.remove(RestOptions.ADDRESS.key());
        after.remove(RestOptions.BIND_ADDRESS.key());
        after.remove(RestOptions.ADDRESS.key());
        assertThat(after)
                .as("the container's copy differs only in the REST addresses")
                .isEqualTo(before);
        assertThat(stream(services.path("jobmanager").path("ports")).map(JsonNode::asText))
                .containsExactly("127.0.0.1:8081:8081");
        // .ci/cluster-lib.sh (cluster and chaos tests) starts the daemons with the same loopback binding
        assertThat(Files.readString(ROOT.resolve(".ci/cluster-lib.sh")))
                .contains("-Drest.address=127.0.0.1 -Drest.bind-address=127.0.0.1");
    }

    @Test
    void prometheusScrapesFlinksReporterPort() throws Exception {
        Configuration conf =
                GlobalConfiguration.loadConfiguration(ROOT.resolve("flink-conf").toString());
        String firstPort = conf.getString("metrics.reporter.prom.port", "").split("-")[0];
        JsonNode prometheus =
                YAML.readTree(ROOT.resolve("docker/prometheus/prometheus.yml").toFile());
        List<String> targets = new ArrayList<>();
        for (JsonNode job : prometheus.path("scrape_configs")) {
            for (JsonNode sc : job.path("static_configs")) {
                sc.path("targets").forEach(t -> targets.add(t.asText()));
            }
        }
        assertThat(targets).contains("jobmanager:" + firstPort, "taskmanager:" + firstPort, "tracking:8090");
        assertThat(services.path("prometheus").path("volumes").toString())
                .contains("./docker/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml");
    }

    @Test
    void grafanaIsProvisionedWithPrometheusAndTheDashboard() throws Exception {
        Path provisioning = ROOT.resolve("docker/grafana/provisioning");
        JsonNode datasource = YAML.readTree(
                        provisioning.resolve("datasources/prometheus.yml").toFile())
                .path("datasources")
                .get(0);
        assertThat(datasource.path("url").asText()).isEqualTo("http://prometheus:9090");
        JsonNode provider = YAML.readTree(
                        provisioning.resolve("dashboards/mailflow.yml").toFile())
                .path("providers")
                .get(0);
        String dashboardsInContainer = provider.path("options").path("path").asText();
        assertThat(services.path("grafana").path("volumes").toString())
                .contains("./docker/grafana/dashboards:" + dashboardsInContainer);

        JsonNode dashboard = new ObjectMapper()
                .readTree(
                        ROOT.resolve("docker/grafana/dashboards/mailflow.json").toFile());
        assertThat(dashboard.path("panels").size()).isGreaterThanOrEqualTo(8);
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("datasource").path("uid").asText())
                    .isEqualTo(datasource.path("uid").asText());
            assertThat(panel.path("targets").size())
                    .as(panel.path("title").asText())
                    .isPositive();
        }
    }

    private static String image(String service) {
        return services.path(service).path("image").asText();
    }

    private static Set<String> names(JsonNode object) {
        Set<String> out = new HashSet<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out.stream();
    }
}
