package io.mailflow.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.io.KafkaUserKeyTopic;
import io.mailflow.privacy.KeyUnavailableException;
import io.mailflow.privacy.LocalKeyManagementService;
import io.mailflow.privacy.PersonalDataCipher;
import io.mailflow.privacy.UserKeys;
import io.mailflow.testing.KafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The master key re-wrap on a real broker's compacted key topic, through the job's own Kafka key log. */
class UserKeysCliTest {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    private static final String OLD = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String NEW =
            Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII));

    private PersonalDataCipher cipher(String topic, LocalKeyManagementService kms) {
        return new PersonalDataCipher(
                new UserKeys(kms, new KafkaUserKeyTopic(KAFKA.broker().bootstrapServers(), topic, Map.of())));
    }

    @Test
    void rewrapsTheKeyTopicUnderTheNewMasterKey() throws Exception {
        KAFKA.broker().createTopic("keys-rotation", 1, true);
        String anna;
        try (PersonalDataCipher job = cipher("keys-rotation", new LocalKeyManagementService("m1", OLD, null))) {
            anna = job.encryptCreatingKey("u-1", PersonalDataCipher.EMAIL, "anna@example.com");
            job.encryptCreatingKey("u-2", PersonalDataCipher.EMAIL, "bob@example.com");
            job.erase("u-2");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = Map.of(
                LocalKeyManagementService.MASTER_KEY_ENV,
                NEW,
                LocalKeyManagementService.PREVIOUS_MASTER_KEY_ENV,
                "m1:" + OLD);
        int status = UserKeysCli.run(
                new String[] {
                    "rewrap",
                    "--kafka.bootstrap-servers",
                    KAFKA.broker().bootstrapServers(),
                    "--topic",
                    "keys-rotation",
                    "--master-key-id",
                    "m2"
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                env::get);
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("rewrapped 1, already under m2 0, erased 1, unreadable 0")
                .doesNotContain("u-1")
                .doesNotContain(NEW)
                .doesNotContain(OLD);
        try (PersonalDataCipher after = cipher("keys-rotation", new LocalKeyManagementService("m2", NEW, null))) {
            assertThat(after.decrypt("u-1", PersonalDataCipher.EMAIL, anna)).isEqualTo("anna@example.com");
        }
        // without the new master key the topic no longer opens
        try (PersonalDataCipher old = cipher("keys-rotation", new LocalKeyManagementService("m1", OLD, null))) {
            assertThat(opens(old, anna)).isFalse();
        }
    }

    @Test
    void refusesAMissingMasterKeyByName() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = UserKeysCli.run(
                new String[] {"rewrap", "--kafka.bootstrap-servers", "x:1", "--topic", "t", "--master-key-id", "m2"},
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                v -> null);
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("MAILFLOW_MASTER_KEY");
    }

    private static boolean opens(PersonalDataCipher c, String value) {
        try {
            c.decrypt("u-1", PersonalDataCipher.EMAIL, value);
            return true;
        } catch (KeyUnavailableException e) {
            return false;
        }
    }
}
