package io.mailflow.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.io.KafkaSecurity.Protocol;
import io.mailflow.io.KafkaSecurity.SaslMechanism;
import io.mailflow.io.KafkaSecurity.StoreType;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class KafkaSecurityTest {
    private static final KafkaSecurity SASL_SSL = new KafkaSecurity(
            Protocol.SASL_SSL,
            SaslMechanism.SCRAM_SHA_256,
            "/etc/t.p12",
            StoreType.PKCS12,
            "/etc/k.jks",
            StoreType.JKS);

    @Test
    void plaintextAddsNothing() {
        assertThat(KafkaSecurity.plaintext().clientProperties()).isEmpty();
        assertThat(KafkaSecurity.plaintext().missingEnvironment(n -> null)).isEmpty();
    }

    @Test
    void secretsArePlaceholdersResolvedFromTheEnvironmentByTheClient() {
        Map<String, String> p = SASL_SSL.clientProperties();
        assertThat(p)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
                .containsEntry("sasl.jaas.config", "${env:MAILFLOW_KAFKA_SASL_JAAS_CONFIG}")
                .containsEntry("ssl.truststore.location", "/etc/t.p12")
                .containsEntry("ssl.truststore.type", "PKCS12")
                .containsEntry("ssl.truststore.password", "${env:MAILFLOW_KAFKA_TRUSTSTORE_PASSWORD}")
                .containsEntry("ssl.keystore.location", "/etc/k.jks")
                .containsEntry("ssl.keystore.type", "JKS")
                .containsEntry("ssl.keystore.password", "${env:MAILFLOW_KAFKA_KEYSTORE_PASSWORD}")
                .containsEntry(
                        "config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
    }

    @Test
    void tlsWithoutSaslOrStoresNeedsNoSecret() {
        KafkaSecurity ssl =
                new KafkaSecurity(Protocol.SSL, SaslMechanism.PLAIN, "", StoreType.PKCS12, "", StoreType.PKCS12);
        assertThat(ssl.clientProperties())
                .containsEntry("security.protocol", "SSL")
                .doesNotContainKey("sasl.jaas.config");
        assertThat(ssl.missingEnvironment(n -> null)).isEmpty();
        KafkaSecurity pem = new KafkaSecurity(
                Protocol.SSL, SaslMechanism.PLAIN, "/etc/ca.pem", StoreType.PEM, "", StoreType.PKCS12);
        assertThat(pem.clientProperties()).doesNotContainKey("ssl.truststore.password");
    }

    @Test
    void missingSecretsAreNamedNeverShown() {
        Map<String, String> env = Map.of("MAILFLOW_KAFKA_TRUSTSTORE_PASSWORD", "s3cret-value");
        assertThat(SASL_SSL.missingEnvironment(env::get))
                .containsExactly("MAILFLOW_KAFKA_SASL_JAAS_CONFIG", "MAILFLOW_KAFKA_KEYSTORE_PASSWORD");
        assertThatThrownBy(() -> SASL_SSL.requireEnvironment(env::get))
                .hasMessageContaining("MAILFLOW_KAFKA_SASL_JAAS_CONFIG")
                .hasMessageNotContaining("s3cret-value");
    }

    @Test
    void storesWithoutTlsAreRefused() {
        assertThatThrownBy(() -> new KafkaSecurity(
                        Protocol.SASL_PLAINTEXT,
                        SaslMechanism.PLAIN,
                        "/etc/t.p12",
                        StoreType.PKCS12,
                        "",
                        StoreType.PKCS12))
                .hasMessageContaining("no TLS");
    }

    /**
     * The Kafka client itself resolves the placeholders through the provider configured here, and only for
     * variables that match the allow-list ({@code MAILFLOW_KAFKA_*}): a placeholder for another variable is
     * left as it is.
     */
    @Test
    void theKafkaClientResolvesAllowListedVariablesOnly() {
        String path = System.getenv("PATH");
        assertThat(path).isNotEmpty();
        Map<String, Object> props = new HashMap<>(SASL_SSL.clientProperties());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "${env:PATH}");
        assertThat(new ProducerConfig(props).getString(ProducerConfig.CLIENT_ID_CONFIG))
                .isEqualTo("${env:PATH}");
        props.put("config.providers.env.param.allowlist.pattern", "^PATH$");
        assertThat(new ProducerConfig(props).getString(ProducerConfig.CLIENT_ID_CONFIG))
                .isEqualTo(path);
    }
}
