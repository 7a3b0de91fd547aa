package io.mailflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No secret in the job graph: a child JVM is started with every secret Mailflow reads from the environment
 * set to a planted value, builds the production topology with SASL_SSL, mutual TLS, SMTP AUTH over STARTTLS
 * and the DP export on, and writes the serialized job graph (what the client sends to the JobManager,
 * every operator, source, sink and configuration in it). Neither the graph nor the child's output may
 * contain a planted value. Two controls keep the scan honest: the graph does contain the non-secret settings
 * (the placeholders, the SMTP user name), and a run that passes the SMTP password programmatically is caught.
 */
class NoSecretInJobGraphTest {
    private static final Map<String, String> PLANTED = Map.of(
            "MAILFLOW_SMTP_PASSWORD", "planted-smtp-7Qx9",
            "MAILFLOW_LINK_SECRET", "planted-link-secret-K2v8s5",
            "MAILFLOW_LINK_SECRET_PREVIOUS", "k0,2030-01-01T00:00:00Z,planted-previous-Zr4abcdefgh",
            "MAILFLOW_KAFKA_SASL_JAAS_CONFIG",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"mf\""
                            + " password=\"planted-jaas-P3w\";",
            "MAILFLOW_KAFKA_TRUSTSTORE_PASSWORD", "planted-trust-T6u",
            "MAILFLOW_KAFKA_KEYSTORE_PASSWORD", "planted-key-H1j",
            "MAILFLOW_PSEUDONYM_KEY", "planted-pseudonym-key-Vb7n0123456789ab",
            // base64 of "planted-master-key-Mk5-012345678" and of "planted-previous-master-Pm8-0123"
            "MAILFLOW_MASTER_KEY", "cGxhbnRlZC1tYXN0ZXIta2V5LU1rNS0wMTIzNDU2Nzg=",
            "MAILFLOW_MASTER_KEY_PREVIOUS", "m0:cGxhbnRlZC1wcmV2aW91cy1tYXN0ZXItUG04LTAxMjM=");
    private static final List<String> SECRETS = List.of(
            "planted-smtp-7Qx9",
            "planted-link-secret-K2v8s5",
            "planted-previous-Zr4abcdefgh",
            "planted-jaas-P3w",
            "planted-trust-T6u",
            "planted-key-H1j",
            "planted-pseudonym-key-Vb7n0123456789ab",
            "cGxhbnRlZC1tYXN0ZXIta2V5LU1rNS0wMTIzNDU2Nzg=",
            "cGxhbnRlZC1wcmV2aW91cy1tYXN0ZXItUG04LTAxMjM=");

    @TempDir
    Path dir;

    record Dump(String graph, String output) {}

    private Dump dump(String mode) throws IOException, InterruptedException {
        Path graph = dir.resolve(mode.substring(2) + ".graph");
        Path log = dir.resolve(mode.substring(2) + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "-Xmx512m",
                "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                JobGraphDump.class.getName(),
                graph.toString(),
                mode,
                "--kafka.security.protocol",
                "sasl_ssl",
                "--kafka.sasl.mechanism",
                "scram-sha-512",
                "--kafka.ssl.truststore-location",
                "/etc/mailflow/truststore.p12",
                "--kafka.ssl.keystore-location",
                "/etc/mailflow/keystore.p12",
                "--smtp.username",
                "mailer-user",
                "--smtp.security",
                "starttls",
                "--privacy.dp.enabled",
                "true",
                "--privacy.pseudonyms.enabled",
                "true",
                "--privacy.encryption.enabled",
                "true"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(PLANTED);
        Process p = pb.start();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("child finished").isTrue();
        String output = Files.readString(log);
        assertThat(p.exitValue()).as(output).isZero();
        // ISO-8859-1 maps every byte to one char, so an ASCII secret anywhere in the bytes is found as text
        return new Dump(new String(Files.readAllBytes(graph), StandardCharsets.ISO_8859_1), output);
    }

    @Test
    void theProductionJobGraphAndItsLogHoldNoPlantedSecret() throws Exception {
        Dump d = dump("--production");
        assertThat(d.graph())
                .contains("${env:MAILFLOW_KAFKA_SASL_JAAS_CONFIG}")
                .contains("${env:MAILFLOW_KAFKA_TRUSTSTORE_PASSWORD}")
                .contains("/etc/mailflow/keystore.p12")
                .contains("mailer-user")
                .contains("SASL_SSL");
        for (String secret : SECRETS) {
            assertThat(d.graph()).as("job graph").doesNotContain(secret);
            assertThat(d.output()).as("child output").doesNotContain(secret);
        }
    }

    @Test
    void theScanFindsAPasswordPassedProgrammatically() throws Exception {
        Dump d = dump("--leak");
        assertThat(d.graph()).contains("planted-smtp-7Qx9");
    }
}
