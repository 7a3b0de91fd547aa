package io.mailflow.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.common.Uids;
import io.mailflow.model.AddressedRequest;
import io.mailflow.model.ContactUpdate;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.UserProfile;
import io.mailflow.privacy.EncryptionSettings;
import io.mailflow.privacy.InMemoryUserKeyTopic;
import io.mailflow.privacy.PersonalDataCipher;
import io.mailflow.profiles.ProfileJoinFunction;
import io.mailflow.tools.ops.SavepointContents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.state.api.runtime.OperatorIDGenerator;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The one-time upgrade of plain-text state (docs/privacy.md, "Turning encryption on"), on the committed savepoint of
 * 0.1.0: its {@code profile-join} state, written without encryption, is restored into today's operator with
 * encryption on. Every profile read (here by a request for each user) is encrypted in place under a key created for
 * the user, the recipient leaves encrypted, and a snapshot taken afterwards holds none of the addresses in plain
 * text, while the restored snapshot did (the control).
 */
class EncryptionUpgradeTest {
    private static final Path SAVEPOINT = Path.of("src/test/resources/savepoints/0.1.0");
    private static final String MASTER = Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void plainProfilesOfThe010SavepointAreEncryptedOnFirstAccess() throws Exception {
        List<UserProfile> profiles =
                SavepointContents.read(SAVEPOINT.toAbsolutePath().toString()).profiles();
        assertThat(profiles).hasSize(19);
        CheckpointMetadata metadata =
                SavepointLoader.loadSavepointMetadata(SAVEPOINT.toAbsolutePath().toString());
        OperatorState join = metadata.getOperatorStates().stream()
                .filter(s -> s.getOperatorID().equals(OperatorIDGenerator.fromUid(Uids.PROFILE_JOIN)))
                .findFirst()
                .orElseThrow();
        EncryptionSettings enc = new EncryptionSettings(true, "m1", MASTER, InMemoryUserKeyTopic.named("upgrade-010"));
        int parallelism = join.getParallelism();
        int maxParallelism = join.getMaxParallelism();

        StringBuilder before = new StringBuilder();
        StringBuilder after = new StringBuilder();
        List<AddressedRequest> addressed = new ArrayList<>();
        for (int subtask = 0; subtask < parallelism; subtask++) {
            OperatorSubtaskState restored = join.getState(subtask);
            before.append(bytes(restored));
            try (var h = new KeyedTwoInputStreamOperatorTestHarness<>(
                    new KeyedCoProcessOperator<>(new ProfileJoinFunction(Duration.ofSeconds(10), enc)),
                    EmailRequest::userId,
                    ContactUpdate::userId,
                    Types.STRING,
                    maxParallelism,
                    parallelism,
                    subtask)) {
                h.setup();
                h.initializeState(restored);
                h.open();
                for (UserProfile p : profiles) {
                    if (KeyGroupRangeAssignment.assignKeyToParallelOperator(p.userId(), maxParallelism, parallelism)
                            == subtask) {
                        h.processElement1(request(p.userId()), 0);
                    }
                }
                h.processBothWatermarks(new Watermark(Long.MAX_VALUE - 1));
                addressed.addAll(h.extractOutputValues());
                after.append(bytes(h.snapshot(1, 1)));
            }
        }
        assertThat(before.toString())
                .as("the 0.1.0 state holds addresses in plain text")
                .contains("a1@example.com");
        PersonalDataCipher cipher = enc.open();
        assertThat(addressed).isNotEmpty().allSatisfy(a -> {
            assertThat(a.recipient().email()).startsWith("mfe1.");
            assertThat(cipher.decrypt(
                            a.request().userId(),
                            PersonalDataCipher.EMAIL,
                            a.recipient().email()))
                    .endsWith("@example.com");
        });
        for (UserProfile p : profiles) {
            assertThat(after.toString())
                    .as(p.userId() + "'s address after the upgrade")
                    .doesNotContain(p.email());
        }
        assertThat(InMemoryUserKeyTopic.records("upgrade-010")).hasSize(profiles.size());
    }

    private static EmailRequest request(String user) {
        return new EmailRequest(
                "upgrade-" + user,
                "abandoned-cart",
                "ABANDONED_CART",
                "abandoned-cart",
                user,
                0L,
                user + "@0",
                List.of(),
                "USD");
    }

    /** The keyed state of a snapshot as text (ISO-8859-1: byte for byte). */
    private static String bytes(OperatorSubtaskState s) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (KeyedStateHandle h : s.getManagedKeyedState()) {
            if (h instanceof KeyGroupsStateHandle k) {
                try (var in = k.openInputStream()) {
                    sb.append(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
                }
            }
        }
        return sb.toString();
    }
}
