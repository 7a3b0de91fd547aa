package io.mailflow.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.model.AddressedRequest;
import io.mailflow.model.ContactUpdate;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.RawRecord;
import io.mailflow.privacy.EncryptionSettings;
import io.mailflow.privacy.InMemoryUserKeyTopic;
import io.mailflow.privacy.KeyUnavailableException;
import io.mailflow.privacy.PersonalDataCipher;
import io.mailflow.privacy.PseudonymSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The contact operators with {@code privacy.encryption.enabled}: what they keep, emit and erase. */
class EncryptedContactsTest {
    private static final String MASTER = Base64.getEncoder().encodeToString(new byte[32]);

    private static EncryptionSettings on(String log) {
        return new EncryptionSettings(true, "m1", MASTER, InMemoryUserKeyTopic.named(log));
    }

    private static List<ContactUpdate> parse(EncryptionSettings enc, RawRecord... records) throws Exception {
        try (OneInputStreamOperatorTestHarness<RawRecord, ContactUpdate> h =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new ParseProfilesFunction(Duration.ofHours(1), PseudonymSettings.DISABLED, enc))) {
            for (RawRecord r : records) {
                h.processElement(r, 0);
            }
            return new ArrayList<>(h.extractOutputValues());
        }
    }

    @Test
    void profilesLeaveTheParserEncryptedAndAnErasureDeletesTheKey() throws Exception {
        EncryptionSettings enc = on("contacts-parse");
        List<ContactUpdate> out = parse(
                enc,
                RawRecord.of(
                        "profiles",
                        1,
                        "{\"userId\":\"u-1\",\"email\":\"anna@example.com\",\"name\":\"Anna Berg\",\"consent\":true}"));
        ContactUpdate u = out.get(0);
        assertThat(u.profile().email()).startsWith("mfe1.").doesNotContain("anna");
        assertThat(u.profile().name()).startsWith("mfe1.").doesNotContain("Anna");
        PersonalDataCipher reader = enc.open();
        assertThat(reader.decrypt("u-1", PersonalDataCipher.EMAIL, u.profile().email()))
                .isEqualTo("anna@example.com");
        assertThat(InMemoryUserKeyTopic.records("contacts-parse")).hasSize(1);

        parse(enc, new RawRecord("profiles", 0, 2, 0, "u-1".getBytes(StandardCharsets.UTF_8), new byte[0]));
        assertThat(InMemoryUserKeyTopic.records("contacts-parse")).last().satisfies(r -> {
            assertThat(r[0]).isEqualTo("u-1");
            assertThat(r[1]).isNull();
        });
        assertThatThrownBy(() -> enc.open()
                        .decrypt("u-1", PersonalDataCipher.EMAIL, u.profile().email()))
                .isInstanceOf(KeyUnavailableException.class);
    }

    @Test
    void aPlainProfileFromAnOldSnapshotIsEncryptedOnFirstAccess() throws Exception {
        // state written without encryption, as in a savepoint of 0.1.0
        OperatorSubtaskState plain;
        try (var before = join(EncryptionSettings.DISABLED)) {
            before.open();
            before.processElement2(ContactUpdate.profile(ProfileJoinFunctionTest.profile("u-7", true, 1)), 0);
            plain = before.snapshot(1, 1);
        }
        assertThat(bytes(plain)).contains("u-7@example.com");

        EncryptionSettings enc = on("contacts-upgrade");
        try (var after = join(enc)) {
            after.initializeState(plain);
            after.open();
            after.processElement1(ProfileJoinFunctionTest.request("u-7", "r1"), 0);
            after.processBothWatermarks(new Watermark(86_400_000L));
            AddressedRequest a = after.extractOutputValues().get(0);
            assertThat(a.recipient().email()).startsWith("mfe1.");
            assertThat(enc.open()
                            .decrypt(
                                    "u-7",
                                    PersonalDataCipher.EMAIL,
                                    a.recipient().email()))
                    .isEqualTo("u-7@example.com");
            OperatorSubtaskState upgraded = after.snapshot(2, 2);
            assertThat(bytes(upgraded)).doesNotContain("u-7@example.com").contains("mfe1.");
        }
    }

    @Test
    void withoutEncryptionTheStateKeepsPlainText() throws Exception {
        // the control: the snapshot check above can fail
        try (var h = join(EncryptionSettings.DISABLED)) {
            h.open();
            h.processElement2(ContactUpdate.profile(ProfileJoinFunctionTest.profile("u-8", true, 1)), 0);
            assertThat(bytes(h.snapshot(1, 1))).contains("u-8@example.com");
        }
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, EmailRequest, ContactUpdate, AddressedRequest> join(
            EncryptionSettings enc) throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new ProfileJoinFunction(Duration.ofSeconds(10), enc)),
                EmailRequest::userId,
                ContactUpdate::userId,
                Types.STRING);
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
