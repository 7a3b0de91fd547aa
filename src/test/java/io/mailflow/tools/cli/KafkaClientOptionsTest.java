package io.mailflow.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.io.KafkaSecurity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaClientOptionsTest {

    @Test
    void theToolsParseTheJobsKafkaOptionsAndNeedTheSameSecrets() {
        Map<String, String> opts = Map.of(
                "bootstrap", "b:9093",
                "kafka.security.protocol", "sasl_plaintext",
                "kafka.sasl.mechanism", "plain");
        KafkaSecurity s =
                KafkaClientOptions.security(opts, n -> n.equals("MAILFLOW_KAFKA_SASL_JAAS_CONFIG") ? "x" : null);
        assertThat(s.protocol()).isEqualTo(KafkaSecurity.Protocol.SASL_PLAINTEXT);
        assertThat(s.clientProperties()).containsEntry("sasl.mechanism", "PLAIN");
        assertThatThrownBy(() -> KafkaClientOptions.security(opts, n -> null))
                .hasMessageContaining("MAILFLOW_KAFKA_SASL_JAAS_CONFIG");
    }

    @Test
    void campaignCliRefusesToPublishWithoutTheSecretItsSecurityNeeds() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = CampaignCli.run(
                new String[] {
                    "publish",
                    "classpath:campaigns/default-campaigns.yaml",
                    "--bootstrap",
                    "localhost:1",
                    "--topic",
                    "t",
                    "--kafka.security.protocol",
                    "sasl_ssl"
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("MAILFLOW_KAFKA_SASL_JAAS_CONFIG");
    }
}
