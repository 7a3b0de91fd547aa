package io.mailflow.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.io.KafkaSecurity;
import io.mailflow.testkit.EmbeddedKafka;
import io.mailflow.testkit.KafkaBrokerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka transport security against a real KRaft broker (a child JVM, {@link KafkaBrokerProcess#startWithSasl})
 * with SASL/PLAIN and SASL/SCRAM-SHA-512 on a SASL_PLAINTEXT and a SASL_SSL listener, the latter with a
 * self-signed key made by the JDK's {@code keytool} for this run (SAN 127.0.0.1, so the client's host name
 * verification stays on), and an SSL listener that requires a client certificate (mutual TLS, the client's key
 * also made by {@code keytool}).
 *
 * <ul>
 *   <li>Mailflow's clients configured only through its {@code kafka.*} options, with the secrets in the
 *       {@code MAILFLOW_KAFKA_*} environment of their process (a child JVM, as on a task manager), publish with
 *       the campaign CLI, run a Flink job through the job's own source and sink builders, and write and restore
 *       the send ledger, over SASL_SSL with SCRAM-SHA-512 (the default mechanism) and over SASL_PLAINTEXT with PLAIN
 *       ({@link SecuredKafkaRoundTrip}), and over mutual TLS with the client key store of
 *       {@code kafka.ssl.keystore-location}. A client without a certificate is refused there.
 *   <li>A client with a wrong password is refused on both listeners with both mechanisms, and so is the CLI
 *       with a wrong JAAS line.
 *   <li>Neither the job graph nor the clients' output (Kafka's client configuration dumps at INFO included)
 *       holds the password, the trust store password or the key store password; the graph does hold the placeholders (the control).
 * </ul>
 */
class SecuredKafkaITCase {
    private static final String USER = "mailflow";
    private static final String PASSWORD = "planted-sasl-Vb83qLm";
    private static final String TRUST_PASSWORD = "planted-trust-Qe51";
    private static final String KEY_PASSWORD = "broker-key-Zr07";
    private static final String CLIENT_KEY_PASSWORD = "planted-client-key-Mk46";
    private static final String CLIENT_TRUST_PASSWORD = "broker-client-trust-Px19";
    private static final Duration CHILD_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    static Path dir;

    private static KafkaBrokerProcess broker;
    private static EmbeddedKafka inside;
    private static Path truststore;
    private static Path clientKeystore;
    private static Path log4j;

    @BeforeAll
    static void startBroker() throws Exception {
        Path keystore = dir.resolve("broker.p12");
        Path cert = dir.resolve("broker.pem");
        truststore = dir.resolve("truststore.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "broker",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "30",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                KEY_PASSWORD,
                "-keypass",
                KEY_PASSWORD);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "broker",
                "-keystore",
                keystore.toString(),
                "-storepass",
                KEY_PASSWORD,
                "-file",
                cert.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "broker",
                "-file",
                cert.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                truststore.toString(),
                "-storepass",
                TRUST_PASSWORD);
        // mutual TLS: the client's own key, which the broker's SSL listener trusts
        clientKeystore = dir.resolve("client.p12");
        Path clientCert = dir.resolve("client.pem");
        Path clientTrust = dir.resolve("broker-client-trust.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "client",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=mailflow",
                "-validity",
                "30",
                "-storetype",
                "PKCS12",
                "-keystore",
                clientKeystore.toString(),
                "-storepass",
                CLIENT_KEY_PASSWORD,
                "-keypass",
                CLIENT_KEY_PASSWORD);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "client",
                "-keystore",
                clientKeystore.toString(),
                "-storepass",
                CLIENT_KEY_PASSWORD,
                "-file",
                clientCert.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "client",
                "-file",
                clientCert.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                clientTrust.toString(),
                "-storepass",
                CLIENT_TRUST_PASSWORD);
        broker = KafkaBrokerProcess.startWithSasl(
                dir.resolve("broker"),
                Duration.ofMinutes(2),
                new KafkaBrokerProcess.Sasl(
                        Map.of(USER, PASSWORD), keystore, KEY_PASSWORD, clientTrust, CLIENT_TRUST_PASSWORD));
        inside = EmbeddedKafka.connect(broker.bootstrapServers());
        for (String t : List.of(
                "ssl.campaigns",
                "ssl.out",
                "ssl.ledger",
                "plain.campaigns",
                "plain.out",
                "plain.ledger",
                "refused.campaigns",
                "mtls.campaigns",
                "mtls.out",
                "mtls.ledger")) {
            inside.createTopic(t, 1, false);
        }
        // Kafka's clients log their whole configuration at INFO: the scan must see those dumps too.
        log4j = dir.resolve("log4j2-child.properties");
        Files.writeString(
                log4j,
                String.join(
                        "\n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.console.ref = console",
                        "appender.console.type = Console",
                        "appender.console.name = console",
                        "appender.console.layout.type = PatternLayout",
                        "appender.console.layout.pattern = %-5p %c{1} - %m%n",
                        ""));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    record Run(int exit, String output, String graph) {}

    private static String jaas(String mechanism, String password) {
        String module = mechanism.equals("PLAIN")
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return module + " required username=\"" + USER + "\" password=\"" + password + "\";";
    }

    /** Runs {@link SecuredKafkaRoundTrip} in a child JVM whose environment holds the secrets. */
    private static Run roundTrip(
            String prefix, String graphFile, String mechanism, String password, String... kafkaArgs) throws Exception {
        Path graph = dir.resolve(prefix + ".graph");
        Path out = dir.resolve(prefix + ".log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Dlog4j2.configurationFile=" + log4j.toUri(),
                "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                SecuredKafkaRoundTrip.class.getName(),
                graphFile == null ? graph.toString() : graphFile,
                prefix + ".campaigns",
                prefix + ".out",
                prefix + ".ledger",
                "--job.bounded",
                "true",
                "--kafka.group-id",
                "secured-" + prefix));
        cmd.addAll(List.of(kafkaArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        Map<String, String> env = new HashMap<>();
        env.put(KafkaSecurity.SASL_JAAS_CONFIG_ENV, jaas(mechanism, password));
        env.put(KafkaSecurity.TRUSTSTORE_PASSWORD_ENV, TRUST_PASSWORD);
        env.put(KafkaSecurity.KEYSTORE_PASSWORD_ENV, CLIENT_KEY_PASSWORD);
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("child did not finish within " + CHILD_TIMEOUT + ": " + Files.readString(out));
        }
        String graphText =
                Files.exists(graph) ? new String(Files.readAllBytes(graph), StandardCharsets.ISO_8859_1) : "";
        return new Run(p.exitValue(), Files.readString(out), graphText);
    }

    private static void assertNoSecret(Run run) {
        for (String secret : List.of(PASSWORD, TRUST_PASSWORD, CLIENT_KEY_PASSWORD)) {
            assertThat(run.output()).as("child output").doesNotContain(secret);
            assertThat(run.graph()).as("job graph").doesNotContain(secret);
        }
    }

    private static long records(String topic) {
        return inside.readAll(topic).size();
    }

    @Test
    void mailflowClientsWorkOverSaslSslAndKeepTheSecretsOut() throws Exception {
        Run run = roundTrip(
                "ssl",
                null,
                "SCRAM-SHA-512",
                PASSWORD,
                "--kafka.bootstrap-servers",
                broker.saslSslBootstrap(),
                "--kafka.security.protocol",
                "sasl_ssl",
                "--kafka.sasl.mechanism",
                "scram-sha-512",
                "--kafka.ssl.truststore-location",
                truststore.toString());
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("ROUND TRIP OK", "ledger claim after restore ALREADY_SENT");
        long campaigns = records("ssl.campaigns");
        assertThat(campaigns).isPositive();
        assertThat(records("ssl.out")).as("one job output per campaign").isEqualTo(campaigns);
        assertThat(records("ssl.ledger")).isEqualTo(1);
        // the controls: the scan looks at the right things
        assertThat(run.output())
                .as("Kafka's client config dump")
                .contains("sasl.jaas.config = [hidden]", "security.protocol = SASL_SSL");
        assertThat(run.graph())
                .contains("${env:" + KafkaSecurity.SASL_JAAS_CONFIG_ENV + "}")
                .contains("${env:" + KafkaSecurity.TRUSTSTORE_PASSWORD_ENV + "}")
                .contains("SASL_SSL");
        assertNoSecret(run);
    }

    @Test
    void mailflowClientsWorkOverSaslPlaintext() throws Exception {
        Run run = roundTrip(
                "plain",
                null,
                "PLAIN",
                PASSWORD,
                "--kafka.bootstrap-servers",
                broker.saslPlaintextBootstrap(),
                "--kafka.security.protocol",
                "sasl_plaintext",
                "--kafka.sasl.mechanism",
                "plain");
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(records("plain.out")).isEqualTo(records("plain.campaigns")).isPositive();
        assertNoSecret(run);
    }

    @Test
    void mailflowClientsWorkOverMutualTls() throws Exception {
        Run run = roundTrip(
                "mtls",
                null,
                "PLAIN",
                PASSWORD,
                "--kafka.bootstrap-servers",
                broker.mtlsBootstrap(),
                "--kafka.security.protocol",
                "ssl",
                "--kafka.ssl.truststore-location",
                truststore.toString(),
                "--kafka.ssl.keystore-location",
                clientKeystore.toString());
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(records("mtls.out")).isEqualTo(records("mtls.campaigns")).isPositive();
        assertThat(records("mtls.ledger")).isEqualTo(1);
        assertThat(run.graph()).contains("${env:" + KafkaSecurity.KEYSTORE_PASSWORD_ENV + "}");
        assertNoSecret(run);
    }

    @Test
    void aClientWithoutACertificateIsRefusedByTheMutualTlsListener() throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.mtlsBootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        p.put("security.protocol", "SSL");
        p.put("ssl.truststore.location", truststore.toString());
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.password", TRUST_PASSWORD);
        try (Admin admin = Admin.create(p)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SslAuthenticationException.class);
        }
    }

    @Test
    void theCliWithAWrongPasswordIsRefused() throws Exception {
        Run run = roundTrip(
                "refused",
                "--cli-only",
                "SCRAM-SHA-512",
                "wrong-" + PASSWORD,
                "--kafka.bootstrap-servers",
                broker.saslSslBootstrap(),
                "--kafka.security.protocol",
                "sasl_ssl",
                "--kafka.sasl.mechanism",
                "scram-sha-512",
                "--kafka.ssl.truststore-location",
                truststore.toString());
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("publishing failed").containsIgnoringCase("authentication failed");
        assertThat(records("refused.campaigns")).isZero();
        assertThat(run.output()).doesNotContain(PASSWORD);
    }

    private static Map<String, Object> adminProps(
            String bootstrap, String protocol, String mechanism, String password) {
        Map<String, Object> p = new HashMap<>();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        p.put("security.protocol", protocol);
        p.put("sasl.mechanism", mechanism);
        p.put("sasl.jaas.config", jaas(mechanism, password));
        if (protocol.equals("SASL_SSL")) {
            p.put("ssl.truststore.location", truststore.toString());
            p.put("ssl.truststore.type", "PKCS12");
            p.put("ssl.truststore.password", TRUST_PASSWORD);
        }
        return p;
    }

    @Test
    void aWrongPasswordIsRefusedOnBothListenersAndTheRightOneIsAccepted() throws Exception {
        for (String[] l : List.of(
                new String[] {broker.saslPlaintextBootstrap(), "SASL_PLAINTEXT"},
                new String[] {broker.saslSslBootstrap(), "SASL_SSL"})) {
            for (String mechanism : List.of("PLAIN", "SCRAM-SHA-512")) {
                String what = l[1] + " " + mechanism;
                try (Admin admin = Admin.create(adminProps(l[0], l[1], mechanism, "not-" + PASSWORD))) {
                    assertThatThrownBy(() -> admin.listTopics().names().get(20, TimeUnit.SECONDS))
                            .as(what)
                            .isInstanceOf(ExecutionException.class)
                            .hasCauseInstanceOf(SaslAuthenticationException.class);
                }
                try (Admin admin = Admin.create(adminProps(l[0], l[1], mechanism, PASSWORD))) {
                    assertThat(admin.listTopics().names().get(20, TimeUnit.SECONDS))
                            .as(what)
                            .contains("ssl.campaigns");
                }
            }
        }
    }
}
