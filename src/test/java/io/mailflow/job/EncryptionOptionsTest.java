package io.mailflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mailflow.config.MailflowConfig;
import io.mailflow.privacy.LocalKeyManagementService;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The encryption options: off by default, refused without a usable master key at submission, the key never printed. */
class EncryptionOptionsTest {
    static final String KEY = Base64.getEncoder().encodeToString("options-test-master-key-01234567".getBytes());

    @Test
    void offByDefaultWithoutAKeyTopic() {
        PipelineSettings s = PipelineSettings.from(MailflowConfig.defaults());
        assertThat(s.encryption().enabled()).isFalse();
        assertThat(s.contacts().encryption().enabled()).isFalse();
        assertThat(Topics.all(MailflowConfig.defaults()))
                .noneMatch(t -> t.name().equals("mailflow.user-keys"));
        assertThatCode(() -> MailflowJob.requireMasterKey(MailflowConfig.defaults()))
                .doesNotThrowAnyException();
    }

    @Test
    void enabledReachesEveryStageAndListsTheCompactedKeyTopic() {
        MailflowConfig on = MailflowConfig.builder()
                .set("privacy.encryption.enabled", "true")
                .masterKey(KEY)
                .build();
        PipelineSettings s = PipelineSettings.from(on);
        assertThat(s.encryption().enabled()).isTrue();
        assertThat(s.contacts().encryption().enabled()).isTrue();
        assertThat(Topics.all(on)).contains(new Topics.Spec("mailflow.user-keys", 1, true));
        assertThat(on.toString()).doesNotContain(KEY).contains("master.key=<set>");
        assertThat(s.encryption().toString()).doesNotContain(KEY);
    }

    @Test
    void enabledWithoutAMasterKeyOrWithABadOneFailsAtSubmission() {
        assumeTrue(System.getenv(LocalKeyManagementService.MASTER_KEY_ENV) == null);
        MailflowConfig on = MailflowConfig.builder()
                .set("privacy.encryption.enabled", "true")
                .build();
        assertThatThrownBy(() -> MailflowJob.requireMasterKey(on)).hasMessageContaining("MAILFLOW_MASTER_KEY");
        MailflowConfig shortKey = on.toBuilder().masterKey("c2hvcnQta2V5").build();
        assertThatThrownBy(() -> MailflowJob.requireMasterKey(shortKey)).hasMessageNotContaining("c2hvcnQta2V5");
        assertThatCode(() -> MailflowJob.requireMasterKey(
                        on.toBuilder().masterKey(KEY).build()))
                .doesNotThrowAnyException();
    }
}
