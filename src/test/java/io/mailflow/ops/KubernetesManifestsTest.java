package io.mailflow.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.config.Option;
import io.mailflow.email.Keyring;
import io.mailflow.io.KafkaSecurity;
import io.mailflow.job.MailflowJob;
import io.mailflow.job.Topics;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No Kubernetes cluster runs where the tests run, so {@code deploy/kubernetes/} is checked statically:
 *
 * <ul>
 *   <li>the {@code FlinkDeployment} against the {@code openAPIV3Schema} of the CRD that the Flink Kubernetes
 *       Operator publishes in {@code org.apache.flink:flink-kubernetes-operator-api} (closed: a field the
 *       schema does not declare is an error, as with {@code kubectl apply --validate=strict});
 *   <li>the core objects (Secret, Deployment, Service, Ingress, the operator's pod template) and the Strimzi
 *       {@code KafkaTopic}s through the fabric8 and Strimzi object models, where a field the model does not
 *       know is an error;
 *   <li>and what only this project knows: job options that exist, secrets only from Secrets, savepoint
 *       upgrades, the jar and entry class, the job's topics, the cluster settings of {@code flink-conf/}.
 * </ul>
 */
class KubernetesManifestsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path DIR = ROOT.resolve("deploy/kubernetes");
    private static final ObjectMapper YAML = new YAMLMapper();
    /** Fails on a field the model lacks where the model has no catch-all (fabric8's has one: see strict()). */
    private static final ObjectMapper STRICT =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static final String CRD = "META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml";
    private static final String SECRET_NAME = "mailflow-secrets";
    private static final String JAR_URI = "local:///opt/flink/usrlib/mailflow.jar";

    /** Environment variables that hold a secret: they may only come from a Secret. */
    private static final Set<String> SECRET_ENV = Set.of(
            MailflowOptions.SMTP_PASSWORD_ENV,
            MailflowOptions.LINK_SECRET_ENV,
            Keyring.PREVIOUS_SECRET_ENV,
            KafkaSecurity.SASL_JAAS_CONFIG_ENV,
            KafkaSecurity.TRUSTSTORE_PASSWORD_ENV,
            KafkaSecurity.KEYSTORE_PASSWORD_ENV,
            "MAILFLOW_SENDGRID_WEBHOOK_KEY", // SendGridWebhook.PUBLIC_KEY_ENV (package-private)
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY");

    private static JsonNode flinkDeployment;
    private static JsonNode trackingDeployment;
    private static List<JsonNode> topics;
    private static JsonNode secret;
    private static MailflowConfig jobConfig;

    @BeforeAll
    static void parse() throws Exception {
        flinkDeployment = single("flink-deployment.yaml", "FlinkDeployment");
        trackingDeployment = single("tracking.yaml", "Deployment");
        topics = documents("kafka-topics.yaml");
        secret = single("secret.example.yaml", "Secret");
        jobConfig = MailflowConfig.fromArgs(jobArgs().toArray(String[]::new));
    }

    // ---- every document parses, every file is deployed ----

    @Test
    void everyManifestParsesAndTheKustomizationListsEachOnce() throws Exception {
        JsonNode kustomization = YAML.readTree(DIR.resolve("kustomization.yaml").toFile());
        assertThat(kustomization.path("kind").asText()).isEqualTo("Kustomization");
        List<String> resources = texts(kustomization.path("resources"));
        List<String> manifests;
        try (Stream<Path> files = Files.list(DIR)) {
            manifests = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                    .sorted()
                    .toList();
        }
        assertThat(resources).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(manifests);
        for (String file : manifests) {
            List<JsonNode> docs = documents(file);
            assertThat(docs).as(file).isNotEmpty();
            for (JsonNode d : docs) {
                assertThat(d.path("apiVersion").asText()).as(file).isNotEmpty();
                assertThat(d.path("kind").asText()).as(file).isNotEmpty();
                assertThat(d.path("metadata").path("name").asText()).as(file).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
            }
        }
    }

    // ---- schemas ----

    @Test
    void theFlinkDeploymentValidatesAgainstTheOperatorsCrdSchema() throws Exception {
        assertThat(flinkDeployment.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        Set<String> errors = operatorSchema().validate(flinkDeployment).stream()
                .map(ValidationMessage::getMessage)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(errors).isEmpty();
    }

    @Test
    void theSchemaCheckRefusesAWrongValueAndAnUnknownField() throws Exception {
        JsonSchema schema = operatorSchema();
        ObjectNode wrongMode = flinkDeployment.deepCopy();
        ((ObjectNode) wrongMode.path("spec").path("job")).put("upgradeMode", "savepoints");
        assertThat(schema.validate(wrongMode)).isNotEmpty();

        ObjectNode typo = flinkDeployment.deepCopy();
        ((ObjectNode) typo.path("spec").path("job")).put("entryClas", MailflowJob.class.getName());
        assertThat(schema.validate(typo)).isNotEmpty();

        ObjectNode podTypo = flinkDeployment.deepCopy();
        ((ObjectNode) podTypo.path("spec")
                        .path("podTemplate")
                        .path("spec")
                        .path("containers")
                        .get(0))
                .put("imagePullPolicyy", "Always");
        assertThat(schema.validate(podTypo)).isNotEmpty();
    }

    @Test
    void theCoreObjectsAreValidKubernetesObjects() throws Exception {
        strict(secret, Secret.class);
        strict(trackingDeployment, Deployment.class);
        strict(single("tracking.yaml", "Service"), Service.class);
        strict(single("tracking.yaml", "Ingress"), Ingress.class);
        strict(flinkDeployment.path("spec").path("podTemplate"), Pod.class);
    }

    @Test
    void theStrictModelCheckRefusesAnUnknownField() {
        ObjectNode typo = trackingDeployment.deepCopy();
        ObjectNode container = (ObjectNode) typo.path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0);
        container.set("readinesProbe", container.path("readinessProbe"));
        assertThatThrownBy(() -> strict(typo, Deployment.class))
                .hasMessageContaining("spec.template.spec.containers[0]")
                .hasMessageContaining("readinesProbe");
    }

    @Test
    void theTopicsAreValidStrimziKafkaTopics() throws Exception {
        for (JsonNode t : topics) {
            assertThat(t.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1beta2");
            assertThat(t.path("kind").asText()).isEqualTo("KafkaTopic");
            strict(t, KafkaTopic.class);
        }
    }

    // ---- the job ----

    @Test
    void theJobIsTheProjectsJarAndEntryClassUpgradedThroughSavepoints() throws Exception {
        JsonNode job = flinkDeployment.path("spec").path("job");
        assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(job.path("state").asText()).isEqualTo("running");
        assertThat(job.path("allowNonRestoredState").asBoolean(true))
                .as("a lost operator uid must fail the upgrade, not drop its state")
                .isFalse();
        assertThat(job.path("entryClass").asText()).isEqualTo(MailflowJob.class.getName());
        assertThat(job.path("jarURI").asText()).isEqualTo(JAR_URI);

        // The image puts this release's shaded job jar (not the tools jar) where jarURI points.
        String dockerfile = Files.readString(DIR.resolve("Dockerfile"));
        String flink = EnvironmentInformation.getVersion();
        assertThat(dockerfile).containsPattern("(?m)^FROM flink:" + Pattern.quote(flink) + "-java17$");
        assertThat(dockerfile)
                .containsPattern("(?m)^ARG MAILFLOW_VERSION=" + Pattern.quote(projectVersion()) + "$")
                .containsPattern(
                        "(?m)^COPY .*target/mailflow-\\$\\{MAILFLOW_VERSION}\\.jar /opt/flink/usrlib/mailflow\\.jar$");
        assertThat(flinkDeployment.path("spec").path("flinkVersion").asText())
                .isEqualTo("v" + flink.replaceAll("^(\\d+)\\.(\\d+).*", "$1_$2"));
        assertThat(env(flinkContainer())
                        .get("ENABLE_BUILT_IN_PLUGINS")
                        .path("value")
                        .asText())
                .isEqualTo("flink-s3-fs-presto-" + flink + ".jar");
    }

    @Test
    void everyJobOptionExistsAndIsValid() {
        Set<String> known = MailflowOptions.all().stream().map(Option::key).collect(Collectors.toSet());
        List<String> args = jobArgs();
        assertThat(args.size() % 2).as("--key value pairs").isZero();
        for (int i = 0; i < args.size(); i += 2) {
            assertThat(args.get(i)).startsWith("--");
            assertThat(known).as("known job options").contains(args.get(i).substring(2));
            assertThat(args.get(i + 1)).as(args.get(i)).doesNotStartWith("--");
        }
        // fromArgs (in parse()) refused unknown keys, secrets and invalid values; what it read is applied:
        assertThat(jobConfig.get(MailflowOptions.KAFKA_SECURITY_PROTOCOL)).isEqualTo(KafkaSecurity.Protocol.SASL_SSL);
        assertThatThrownBy(() -> MailflowConfig.fromArgs(new String[] {"--kafka.bootstrap-server", "x:9092"}))
                .hasMessageContaining("Unknown option");
        // Job options go to the job, not into Flink's configuration.
        Set<String> prefixes =
                known.stream().map(k -> k.substring(0, k.indexOf('.') + 1)).collect(Collectors.toSet());
        for (String key : names(flinkDeployment.path("spec").path("flinkConfiguration"))) {
            assertThat(known).as("job option in flinkConfiguration").doesNotContain(key);
            if (!key.startsWith("kubernetes.") && !key.startsWith("high-availability.")) {
                assertThat(prefixes.stream().filter(p -> !p.equals("job.")).anyMatch(key::startsWith))
                        .as(key + " looks like a job option")
                        .isFalse();
            }
        }
    }

    @Test
    void theClusterSettingsAreThoseOfFlinkConf() throws Exception {
        Map<String, String> conf = new TreeMap<>();
        flatten("", YAML.readTree(ROOT.resolve("flink-conf/config.yaml").toFile()), conf);
        JsonNode spec = flinkDeployment.path("spec");
        Map<String, String> k8s = new TreeMap<>();
        spec.path("flinkConfiguration")
                .fields()
                .forEachRemaining(e -> k8s.put(e.getKey(), e.getValue().asText()));

        // Addresses, ports and bind hosts are the operator's; memory is the pods' resources; directories are S3.
        Set<String> different = Set.of(
                "jobmanager.rpc.address",
                "jobmanager.rpc.port",
                "jobmanager.bind-host",
                "taskmanager.bind-host",
                "rest.address",
                "rest.bind-address",
                "rest.port",
                "jobmanager.memory.process.size",
                "taskmanager.memory.process.size",
                "execution.checkpointing.dir",
                "execution.checkpointing.savepoint-dir",
                "metrics.reporter.prom.port");
        for (Map.Entry<String, String> e : conf.entrySet()) {
            if (!different.contains(e.getKey())) {
                assertThat(k8s.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            }
        }
        assertThat(spec.path("jobManager").path("resource").path("memory").asText())
                .isEqualTo(conf.get("jobmanager.memory.process.size"));
        assertThat(spec.path("taskManager").path("resource").path("memory").asText())
                .isEqualTo(conf.get("taskmanager.memory.process.size"));
        assertThat(spec.path("job").path("parallelism").asInt())
                .isEqualTo(Integer.parseInt(conf.get("parallelism.default")));
        assertThat(conf.get("pipeline.max-parallelism"))
                .isEqualTo(String.valueOf(jobConfig.get(MailflowOptions.MAX_PARALLELISM)));

        // Shared storage and high availability.
        for (String dir : List.of(
                "execution.checkpointing.dir",
                "execution.checkpointing.savepoint-dir",
                "high-availability.storageDir")) {
            assertThat(k8s.get(dir)).as(dir).startsWith("s3://");
        }
        assertThat(k8s.get("high-availability.type")).isEqualTo("kubernetes");
        assertThat(k8s).doesNotContainKeys("s3.access-key", "s3.secret-key");
        assertThat(k8s.keySet()).noneMatch(k -> k.contains("password") || k.contains("secret"));

        // Prometheus: the reporter's port is the one the annotations and the container port name.
        String port = k8s.get("metrics.reporter.prom.port");
        assertThat(port).matches("\\d+");
        assertThat(k8s.get("metrics.reporter.prom.factory.class"))
                .isEqualTo(conf.get("metrics.reporter.prom.factory.class"));
        JsonNode annotations = spec.path("podTemplate").path("metadata").path("annotations");
        assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
        assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(port);
        assertThat(texts(flinkContainer().path("ports"), "containerPort")).contains(port);
    }

    @Test
    void secretsComeOnlyFromSecrets() {
        Set<String> secretKeys = names(secret.path("stringData"));
        List<JsonNode> containers = new ArrayList<>();
        containers.add(flinkContainer());
        trackingDeployment
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .forEach(containers::add);
        for (JsonNode c : containers) {
            String name = c.path("name").asText();
            for (Map.Entry<String, JsonNode> e : env(c).entrySet()) {
                JsonNode var = e.getValue();
                if (var.has("value")) {
                    assertThat(SECRET_ENV).as(name + ": literal " + e.getKey()).doesNotContain(e.getKey());
                    assertThat(e.getKey())
                            .as(name + ": literal " + e.getKey())
                            .doesNotContainPattern("PASSWORD|SECRET|KEY|TOKEN|JAAS|CREDENTIAL");
                } else {
                    JsonNode ref = var.path("valueFrom").path("secretKeyRef");
                    assertThat(ref.isObject())
                            .as(name + ": " + e.getKey() + " from a Secret")
                            .isTrue();
                    if (ref.path("name").asText().equals(SECRET_NAME)) {
                        assertThat(secretKeys)
                                .as(name + ": key of " + e.getKey())
                                .contains(ref.path("key").asText());
                    }
                }
            }
            assertThat(c.has("envFrom"))
                    .as(name + ": envFrom would pass every key unchecked")
                    .isFalse();
            // Nothing secret-looking in the arguments either.
            for (String a : texts(c.path("args"))) {
                assertThat(a.toLowerCase(java.util.Locale.ROOT)).as(name).doesNotContain("password", "secret");
            }
        }
        Map<String, JsonNode> flinkEnv = env(flinkContainer());
        assertThat(flinkEnv)
                .containsKeys(
                        MailflowOptions.LINK_SECRET_ENV,
                        MailflowOptions.SMTP_PASSWORD_ENV,
                        KafkaSecurity.SASL_JAAS_CONFIG_ENV,
                        KafkaSecurity.TRUSTSTORE_PASSWORD_ENV);
        assertThat(env(trackingContainer())).containsKey(MailflowOptions.LINK_SECRET_ENV);
        // The job's and the tracking service's link secrets are one value.
        assertThat(flinkEnv.get(MailflowOptions.LINK_SECRET_ENV))
                .isEqualTo(env(trackingContainer()).get(MailflowOptions.LINK_SECRET_ENV));
        // The trust store the job's options name is mounted into the pod.
        String truststore = jobConfig.get(MailflowOptions.KAFKA_TRUSTSTORE_LOCATION);
        assertThat(texts(flinkContainer().path("volumeMounts"), "mountPath"))
                .anyMatch(m -> truststore.startsWith(m + "/"));
    }

    @Test
    void theSecretExampleHoldsPlaceholdersOnly() throws Exception {
        assertThat(Files.readString(DIR.resolve("secret.example.yaml"))).contains("secret store");
        assertThat(secret.has("data")).as("no base64 values to hide a real one").isFalse();
        secret.path("stringData")
                .fields()
                .forEachRemaining(e -> assertThat(e.getValue().asText())
                        .as(e.getKey())
                        .satisfiesAnyOf(
                                v -> assertThat(v).isEmpty(), v -> assertThat(v).contains("CHANGE-ME")));
    }

    // ---- topics ----

    @Test
    void theTopicsAreTheJobsTopics() {
        Map<String, Topics.Spec> expected = new LinkedHashMap<>();
        Topics.all(jobConfig).forEach(s -> expected.put(s.name(), s));
        Map<String, JsonNode> listed = new LinkedHashMap<>();
        for (JsonNode t : topics) {
            String name = t.path("spec").has("topicName")
                    ? t.path("spec").path("topicName").asText()
                    : t.path("metadata").path("name").asText();
            assertThat(listed.put(name, t)).as("duplicate " + name).isNull();
        }
        assertThat(listed.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());

        // The names are the defaults: the job's arguments rename no topic (the tracking service relies on it).
        Set<String> topicKeys = MailflowOptions.all().stream()
                .map(Option::key)
                .filter(k -> k.startsWith("topic."))
                .collect(Collectors.toSet());
        List<String> args = jobArgs();
        for (int i = 0; i < args.size(); i += 2) {
            String key = args.get(i).substring(2);
            if (topicKeys.contains(key) && !key.equals(MailflowOptions.TOPIC_CATALOG.key())) {
                assertThat(args.get(i + 1)).as(key).isEqualTo(defaultOf(key));
            }
        }

        String cluster = jobConfig.get(MailflowOptions.KAFKA_BOOTSTRAP).replaceAll("-kafka-bootstrap:\\d+$", "");
        for (Topics.Spec s : expected.values()) {
            JsonNode t = listed.get(s.name());
            assertThat(t.path("metadata")
                            .path("labels")
                            .path("strimzi.io/cluster")
                            .asText())
                    .isEqualTo(cluster);
            assertThat(t.path("spec").path("partitions").asInt()).as(s.name()).isEqualTo(s.partitions());
            List<String> policy = List.of(t.path("spec")
                    .path("config")
                    .path("cleanup.policy")
                    .asText()
                    .split(","));
            if (s.compacted()) {
                assertThat(policy).as(s.name()).contains("compact");
            } else {
                assertThat(policy).as(s.name()).containsExactly("delete");
            }
        }
        // The ledger forgets what delivery.ledger-retention forgets (docs/delivery.md).
        JsonNode ledger = listed.get(jobConfig.get(MailflowOptions.TOPIC_SEND_LEDGER))
                .path("spec")
                .path("config");
        assertThat(ledger.path("cleanup.policy").asText()).isEqualTo("compact,delete");
        assertThat(Long.parseLong(ledger.path("retention.ms").asText()))
                .isEqualTo(jobConfig.get(MailflowOptions.LEDGER_RETENTION).toMillis());
        assertThat(listed).containsKey("mailflow.catalog");
    }

    // ---- the tracking service ----

    @Test
    void theTrackingServiceIsProbedScrapedAndPointedAtTheJobsTopics() throws Exception {
        JsonNode c = trackingContainer();
        assertThat(texts(c.path("command"))).contains("io.mailflow.tracking.TrackingMain");
        Map<String, String> args = pairs(texts(c.path("args")));
        String port = args.get("port");
        assertThat(texts(c.path("ports"), "containerPort")).containsExactly(port);
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            assertThat(c.path(probe).path("httpGet").path("path").asText())
                    .as(probe)
                    .isEqualTo("/health");
            assertThat(c.path(probe).path("httpGet").path("port").asText())
                    .as(probe)
                    .isIn(port, "http");
        }
        JsonNode annotations = trackingDeployment
                .path("spec")
                .path("template")
                .path("metadata")
                .path("annotations");
        assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
        assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(port);
        assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");
        assertThat(args.get("engagement-topic")).isEqualTo(jobConfig.get(MailflowOptions.TOPIC_ENGAGEMENT));
        assertThat(args.get("suppressions-topic")).isEqualTo(jobConfig.get(MailflowOptions.TOPIC_SUPPRESSIONS));
        String jobCluster = jobConfig.get(MailflowOptions.KAFKA_BOOTSTRAP).replaceAll(":\\d+$", "");
        assertThat(args.get("bootstrap-servers")).startsWith(jobCluster + ":");
        // The service and the ingress reach it; the ingress's host is the job's tracking base URL.
        JsonNode service = single("tracking.yaml", "Service");
        assertThat(service.path("spec").path("selector"))
                .isEqualTo(trackingDeployment
                        .path("spec")
                        .path("template")
                        .path("metadata")
                        .path("labels"));
        JsonNode ingress = single("tracking.yaml", "Ingress");
        String host = jobConfig.get(MailflowOptions.TRACKING_BASE_URL).replaceAll("^https://([^/:]+).*$", "$1");
        assertThat(ingress.path("spec").path("rules").get(0).path("host").asText())
                .isEqualTo(host);
        assertThat(ingress.path("spec")
                        .path("rules")
                        .get(0)
                        .path("http")
                        .path("paths")
                        .get(0)
                        .path("backend")
                        .path("service")
                        .path("name")
                        .asText())
                .isEqualTo(service.path("metadata").path("name").asText());
    }

    // ---- helpers ----

    /**
     * The operator's schema of {@code FlinkDeployment} v1beta1, closed. Kubernetes prunes fields a structural
     * schema does not declare, silently; here they are errors, so a typo cannot pass as a setting.
     *
     * <p>The newest operator API on Maven Central (1.10.0) predates Flink 2, so its {@code flinkVersion} enum
     * ends at {@code v1_20}: this test adds the Flink 2 values the later operator releases accept and leaves
     * the rest of the schema as published. The CRD leaves {@code apiVersion}, {@code kind} and {@code metadata}
     * implicit; they are declared here.
     */
    private static JsonSchema operatorSchema() throws Exception {
        JsonNode crd;
        try (InputStream in = KubernetesManifestsTest.class.getClassLoader().getResourceAsStream(CRD)) {
            assertThat(in).as(CRD + " on the test classpath").isNotNull();
            crd = YAML.readTree(in);
        }
        JsonNode schema = null;
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("name").asText().equals("v1beta1")) {
                schema = v.path("schema").path("openAPIV3Schema").deepCopy();
            }
        }
        assertThat(schema).as("v1beta1 in the CRD").isNotNull();
        close(schema);
        // Every Kubernetes object has these; a CRD's schema leaves them implicit (metadata is checked by the
        // API server itself: here its name, in everyManifestParsesAndTheKustomizationListsEachOnce).
        ObjectNode root = (ObjectNode) schema.path("properties");
        root.putObject("apiVersion").put("type", "string");
        root.putObject("kind").put("type", "string");
        root.putObject("metadata").put("type", "object");
        ArrayNode versions = (ArrayNode) schema.path("properties")
                .path("spec")
                .path("properties")
                .path("flinkVersion")
                .path("enum");
        assertThat(texts(versions)).contains("v1_20").doesNotContain("v2_0");
        versions.add("v2_0").add("v2_1").add("v2_2");
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
    }

    private static void close(JsonNode node) {
        if (node instanceof ObjectNode o) {
            if (o.has("properties")
                    && !o.has("additionalProperties")
                    && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                o.put("additionalProperties", false);
            }
        }
        node.forEach(KubernetesManifestsTest::close);
    }

    /**
     * Reads a document into the fabric8 or Strimzi model. Those keep unknown fields in an {@code
     * additionalProperties} map instead of failing, so the whole object tree is walked and any such field
     * reported with its path.
     */
    private static <T> T strict(JsonNode doc, Class<T> type) throws Exception {
        T value = STRICT.treeToValue(doc, type);
        List<String> unknown = new ArrayList<>();
        walk(value, type.getSimpleName(), unknown);
        if (!unknown.isEmpty()) {
            throw new AssertionError("unknown fields for " + type.getSimpleName() + ": " + new TreeSet<>(unknown));
        }
        return value;
    }

    private static void walk(Object value, String path, List<String> unknown)
            throws InvocationTargetException, IllegalAccessException {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> c) {
            int i = 0;
            for (Object item : c) {
                walk(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                walk(e.getValue(), path + "." + e.getKey(), unknown);
            }
            return;
        }
        String pkg = value.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8.") && !pkg.startsWith("io.strimzi.")) {
            return;
        }
        for (Method m : value.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            String n = m.getName();
            if (n.equals("getAdditionalProperties")) {
                Object extra = m.invoke(value);
                if (extra instanceof Map<?, ?> map && !map.isEmpty()) {
                    map.keySet().forEach(k -> unknown.add(path + "." + k));
                }
            } else if (n.startsWith("get") && !n.equals("getClass") && m.getDeclaringClass() != Object.class) {
                walk(m.invoke(value), path + "." + property(n), unknown);
            }
        }
    }

    private static String property(String getter) {
        return Character.toLowerCase(getter.charAt(3)) + getter.substring(4);
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            node.fields()
                    .forEachRemaining(
                            e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out));
        } else {
            out.put(prefix, node.asText());
        }
    }

    private static List<JsonNode> documents(String file) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class)
                .<JsonNode>readValues(DIR.resolve(file).toFile())) {
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && !d.isNull() && !d.isMissingNode()) {
                    docs.add(d);
                }
            }
        }
        return docs;
    }

    private static JsonNode single(String file, String kind) throws Exception {
        List<JsonNode> of = documents(file).stream()
                .filter(d -> d.path("kind").asText().equals(kind))
                .toList();
        assertThat(of).as(kind + " in " + file).hasSize(1);
        return of.get(0);
    }

    private static JsonNode flinkContainer() {
        for (JsonNode c :
                flinkDeployment.path("spec").path("podTemplate").path("spec").path("containers")) {
            if (c.path("name").asText().equals("flink-main-container")) {
                return c;
            }
        }
        throw new AssertionError("no flink-main-container in the pod template");
    }

    private static JsonNode trackingContainer() {
        return trackingDeployment
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0);
    }

    private static Map<String, JsonNode> env(JsonNode container) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode e : container.path("env")) {
            assertThat(out.put(e.path("name").asText(), e))
                    .as("duplicate " + e.path("name"))
                    .isNull();
        }
        return out;
    }

    private static List<String> jobArgs() {
        return texts(flinkDeployment.path("spec").path("job").path("args"));
    }

    private static Map<String, String> pairs(List<String> args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.size(); i += 2) {
            assertThat(args.get(i)).startsWith("--");
            out.put(args.get(i).substring(2), args.get(i + 1));
        }
        return out;
    }

    private static String defaultOf(String key) {
        return MailflowOptions.all().stream()
                .filter(o -> o.key().equals(key))
                .findFirst()
                .map(o -> String.valueOf(o.defaultValue()))
                .orElseThrow();
    }

    private static String projectVersion() throws Exception {
        Matcher m = Pattern.compile("<artifactId>mailflow</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }

    private static Set<String> names(JsonNode object) {
        Set<String> out = new TreeSet<>();
        Iterator<String> it = object.fieldNames();
        it.forEachRemaining(out::add);
        return out;
    }
}
