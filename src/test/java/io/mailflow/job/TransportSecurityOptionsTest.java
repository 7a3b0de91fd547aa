package io.mailflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.config.MailflowConfig;
import io.mailflow.delivery.SmtpSecurity;
import io.mailflow.delivery.SmtpSettings;
import io.mailflow.io.KafkaSecurity;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The Kafka TLS/SASL and SMTP security options, as the job and the tools parse them. */
class TransportSecurityOptionsTest {

    @Test
    void kafkaSecurityOptionsAreTyped() {
        KafkaSecurity s = PipelineSettings.kafkaSecurity(MailflowConfig.fromArgs(new String[] {
            "--kafka.security.protocol", "sasl_ssl",
            "--kafka.sasl.mechanism", "scram-sha-256",
            "--kafka.ssl.truststore-location", "/etc/mf/ca.pem",
            "--kafka.ssl.truststore-type", "pem"
        }));
        assertThat(s)
                .isEqualTo(new KafkaSecurity(
                        KafkaSecurity.Protocol.SASL_SSL,
                        KafkaSecurity.SaslMechanism.SCRAM_SHA_256,
                        "/etc/mf/ca.pem",
                        KafkaSecurity.StoreType.PEM,
                        "",
                        KafkaSecurity.StoreType.PKCS12));
        assertThat(PipelineSettings.kafkaSecurity(MailflowConfig.defaults())).isEqualTo(KafkaSecurity.plaintext());
    }

    @Test
    void badValuesAndPasswordsInConfigurationAreRefused() {
        assertThatThrownBy(() -> MailflowConfig.fromArgs(new String[] {"--kafka.security.protocol", "tls"}))
                .hasMessageContaining("kafka.security.protocol");
        assertThatThrownBy(() -> MailflowConfig.fromArgs(new String[] {"--kafka.sasl.mechanism", "gssapi"}))
                .hasMessageContaining("kafka.sasl.mechanism");
        assertThatThrownBy(() -> MailflowConfig.fromArgs(new String[] {"--kafka.ssl.truststore-password", "x"}))
                .hasMessageContaining("environment");
        assertThatThrownBy(() -> MailflowConfig.fromArgs(new String[] {"--kafka.sasl.jaas-config", "x"}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyJobKafkaClientGetsTheSecurityProperties() {
        MailflowConfig c = MailflowConfig.fromArgs(new String[] {"--kafka.security.protocol", "ssl"});
        Properties p = KafkaIO.security(c);
        assertThat(p).containsEntry("security.protocol", "SSL");
        assertThat(KafkaIO.security(MailflowConfig.defaults())).isEmpty();
    }

    @Test
    void smtpAuthWithoutTlsIsRefusedUnlessExplicitlyAllowed() {
        MailflowConfig clear = MailflowConfig.fromArgs(new String[] {"--smtp.username", "mailer"});
        assertThatThrownBy(() -> PipelineSettings.smtp(clear))
                .hasMessageContaining("without TLS")
                .hasMessageContaining("smtp.allow-auth-without-tls");
        assertThatThrownBy(() -> MailflowJob.delivery(clear)).hasMessageContaining("without TLS");
        SmtpSettings allowed = PipelineSettings.smtp(
                clear.toBuilder().set("smtp.allow-auth-without-tls", "true").build());
        assertThat(allowed.authenticated()).isTrue();
        assertThat(PipelineSettings.smtp(clear.toBuilder()
                                .set("smtp.security", "starttls")
                                .build())
                        .security())
                .isEqualTo(SmtpSecurity.STARTTLS);
        // without a user name there is no AUTH, and a clear connection is fine
        assertThat(PipelineSettings.smtp(MailflowConfig.defaults()).security()).isEqualTo(SmtpSecurity.NONE);
        assertThatThrownBy(() -> new SmtpSettings("h", 25, SmtpSecurity.NONE, "u", "", 1000, "a@b.c", "A"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
