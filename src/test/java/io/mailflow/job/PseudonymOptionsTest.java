package io.mailflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mailflow.config.MailflowConfig;
import io.mailflow.privacy.Pseudonymizer;
import org.junit.jupiter.api.Test;

/** The pseudonym options: off by default, refused without a usable key at submission, the key never printed. */
class PseudonymOptionsTest {
    static final String KEY = "options-test-key-0123456789abcdefghi";

    @Test
    void offByDefaultSoExistingDeploymentsKeepTheirKeys() {
        assertThat(PipelineSettings.from(MailflowConfig.defaults())
                        .ingestion()
                        .pseudonyms()
                        .enabled())
                .isFalse();
        assertThatCode(() -> MailflowJob.requirePseudonymKey(MailflowConfig.defaults()))
                .doesNotThrowAnyException();
    }

    @Test
    void enabledWithoutAKeyOrWithAShortOneFailsAtSubmission() {
        assumeTrue(System.getenv(Pseudonymizer.KEY_ENV) == null);
        MailflowConfig on = MailflowConfig.builder()
                .set("privacy.pseudonyms.enabled", "true")
                .build();
        assertThatThrownBy(() -> MailflowJob.requirePseudonymKey(on))
                .hasMessageContaining("MAILFLOW_PSEUDONYM_KEY")
                .hasMessageContaining("at least 32");
        MailflowConfig shortKey = on.toBuilder().pseudonymKey("too-short-key").build();
        assertThatThrownBy(() -> MailflowJob.requirePseudonymKey(shortKey)).hasMessageNotContaining("too-short-key");
        assertThatCode(() -> MailflowJob.requirePseudonymKey(
                        on.toBuilder().pseudonymKey(KEY).build()))
                .doesNotThrowAnyException();
    }

    @Test
    void bothStagesGetTheSameSettingsAndTheKeyIsNeverPrinted() {
        MailflowConfig c = MailflowConfig.builder()
                .set("privacy.pseudonyms.enabled", "true")
                .set("privacy.pseudonyms.key-id", "k2")
                .pseudonymKey(KEY)
                .build();
        PipelineSettings s = PipelineSettings.from(c);
        assertThat(s.ingestion().pseudonyms()).isEqualTo(s.contacts().pseudonyms());
        assertThat(s.contacts().pseudonyms().keyId()).isEqualTo("k2");
        assertThat(c.toString()).doesNotContain(KEY).contains("pseudonym.key=<set>");
        assertThat(s.contacts().pseudonyms().toString()).doesNotContain(KEY);
        assertThat(s.toString()).doesNotContain(KEY);
        assertThatThrownBy(() -> MailflowConfig.builder().set("privacy.pseudonyms.key-id", "k_2"))
                .hasMessageContaining("privacy.pseudonyms.key-id");
    }
}
