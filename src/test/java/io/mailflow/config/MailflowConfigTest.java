package io.mailflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailflowConfigTest {

    @Test
    void defaultsApply() {
        MailflowConfig c = MailflowConfig.defaults();
        assertThat(c.get(MailflowOptions.SESSION_GAP)).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.get(MailflowOptions.TOPIC_EVENTS)).isEqualTo("mailflow.events");
    }

    @Test
    void fileThenArgumentsWin(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("job.yaml");
        Files.writeString(yaml, """
                session:
                  gap: 10min
                smtp.port: 2525
                delivery:
                  threads: 4
                """);
        MailflowConfig c = MailflowConfig.fromArgs(
                new String[] {"--config", yaml.toString(), "--smtp.port=587", "--smtp.security", "starttls"});
        assertThat(c.get(MailflowOptions.SESSION_GAP)).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.get(MailflowOptions.SMTP_PORT)).isEqualTo(587);
        assertThat(c.get(MailflowOptions.DELIVERY_THREADS)).isEqualTo(4);
        assertThat(c.get(MailflowOptions.SMTP_SECURITY)).isEqualTo(io.mailflow.delivery.SmtpSecurity.STARTTLS);
    }

    @Test
    void badValuesNameTheOptionAndTheRange() {
        assertThatThrownBy(() -> MailflowConfig.fromArgs(new String[] {"--smtp.port", "70000"}))
                .hasMessage("Invalid value '70000' for option 'smtp.port': expected an integer in [1, 65535].");
        assertThatThrownBy(() -> MailflowConfig.fromArgs(new String[] {"--session.gap", "soon"}))
                .hasMessageStartingWith(
                        "Invalid value 'soon' for option 'session.gap': expected a duration in [1 s, 1 d]");
        assertThatThrownBy(() -> MailflowConfig.fromArgs(new String[] {"--smtp.security", "ssl3"}))
                .hasMessage(
                        "Invalid value 'ssl3' for option 'smtp.security': expected one of [none, starttls, smtps].");
    }

    @Test
    void unknownKeysAndSecretsAreRejected() {
        assertThatThrownBy(() -> MailflowConfig.fromArgs(new String[] {"--session.gpa", "1min"}))
                .hasMessage("Unknown option 'session.gpa'.");
        assertThatThrownBy(() -> MailflowConfig.fromArgs(new String[] {"--smtp.password", "hunter2"}))
                .hasMessageContaining("secrets come from the environment");
    }

    @Test
    void passwordNeverAppearsInToString() {
        MailflowConfig c = MailflowConfig.builder().smtpPassword("hunter2").build();
        assertThat(c.toString()).doesNotContain("hunter2").contains("smtp.password=<set>");
        assertThat(c.smtpPassword()).isEqualTo("hunter2");
    }
}
