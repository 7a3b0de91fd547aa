package io.mailflow.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.config.MailflowOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TrackingSettingsTest {
    @Test
    void defaultsAreTheJobsTopicsAndKeyId() {
        TrackingSettings s = TrackingSettings.parse();
        assertThat(s.engagementTopic()).isEqualTo(MailflowOptions.TOPIC_ENGAGEMENT.defaultValue());
        assertThat(s.suppressionsTopic()).isEqualTo(MailflowOptions.TOPIC_SUPPRESSIONS.defaultValue());
        assertThat(s.linkKeyId()).isEqualTo(MailflowOptions.LINK_KEY_ID.defaultValue());
        assertThat(s.port()).isEqualTo(8090);
    }

    @Test
    void parsesEveryOption() {
        TrackingSettings s = TrackingSettings.parse(
                "--port",
                "0",
                "--bootstrap-servers",
                "kafka:19092",
                "--spool-dir",
                "/tmp/x",
                "--delivery-timeout",
                "2s",
                "--spool-max-bytes",
                "2097152",
                "--link-key-id",
                "k7",
                "--bind",
                "127.0.0.1");
        assertThat(s.port()).isZero();
        assertThat(s.bootstrapServers()).isEqualTo("kafka:19092");
        assertThat(s.spoolDir()).isEqualTo(Path.of("/tmp/x"));
        assertThat(s.deliveryTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.spoolMaxBytes()).isEqualTo(2097152L);
        assertThat(s.linkKeyId()).isEqualTo("k7");
        assertThat(s.bind()).isEqualTo("127.0.0.1");
    }

    @Test
    void refusesUnknownOptionsAndBadValues() {
        assertThatThrownBy(() -> TrackingSettings.parse("--prot", "1")).hasMessageContaining("--prot");
        assertThatThrownBy(() -> TrackingSettings.parse("--port")).hasMessageContaining("missing value");
        assertThatThrownBy(() -> TrackingSettings.parse("--port", "70000")).hasMessageContaining("--port");
        assertThatThrownBy(() -> TrackingSettings.parse("--delivery-timeout", "soon"))
                .hasMessageContaining("duration");
        assertThatThrownBy(() -> TrackingSettings.parse("--spool-max-bytes", "10"))
                .hasMessageContaining("spool-max-bytes");
    }
}
