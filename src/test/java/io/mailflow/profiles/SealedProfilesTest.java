package io.mailflow.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.common.Tags;
import io.mailflow.model.ContactUpdate;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.RawRecord;
import io.mailflow.privacy.EncryptionSettings;
import io.mailflow.privacy.InMemoryUserKeyTopic;
import io.mailflow.privacy.PersonalDataCipher;
import io.mailflow.privacy.PseudonymSettings;
import io.mailflow.privacy.Pseudonymizer;
import io.mailflow.testing.CountingProcessOperator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * Profiles the shop sealed itself: accepted when each sealed field opens under the user's key and holds a valid
 * value, a dead letter with the reason otherwise (never an exception), and never with encryption off.
 */
class SealedProfilesTest {
    private static final String MASTER = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String PSEUDONYM_KEY = "sealed-profiles-test-pseudonym-key-0123456789";

    private static EncryptionSettings on(String log) {
        return new EncryptionSettings(true, "m1", MASTER, InMemoryUserKeyTopic.named(log));
    }

    record Out(List<ContactUpdate> updates, List<DeadLetter> deadLetters) {}

    private static Out parse(EncryptionSettings enc, PseudonymSettings ps, String... docs) throws Exception {
        try (OneInputStreamOperatorTestHarness<RawRecord, ContactUpdate> h =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new ParseProfilesFunction(Duration.ofHours(1), ps, enc))) {
            for (int i = 0; i < docs.length; i++) {
                h.processElement(RawRecord.of("profiles", i, docs[i]), 0);
            }
            List<DeadLetter> dead = new ArrayList<>();
            var side = h.getSideOutput(Tags.DEAD_LETTERS);
            if (side != null) {
                for (StreamRecord<DeadLetter> r : side) {
                    dead.add(r.getValue());
                }
            }
            return new Out(new ArrayList<>(h.extractOutputValues()), dead);
        }
    }

    private static String doc(String user, String email, String name) {
        return "{\"userId\":\"" + user + "\",\"email\":\"" + email + "\",\"name\":\"" + name + "\",\"consent\":true}";
    }

    @Test
    void aSealedProfileIsTakenAsItIsAndOpensUnderTheUsersKey() throws Exception {
        EncryptionSettings enc = on("sealed-accepted");
        PersonalDataCipher shop = enc.open();
        String email = shop.encryptCreatingKey("u-1", PersonalDataCipher.EMAIL, "anna@example.com");
        String name = shop.encryptCreatingKey("u-1", PersonalDataCipher.NAME, "Anna Berg");
        Out out = parse(enc, PseudonymSettings.DISABLED, doc("u-1", email, name));
        assertThat(out.deadLetters()).isEmpty();
        ContactUpdate u = out.updates().get(0);
        assertThat(u.profile().email()).isEqualTo(email);
        assertThat(u.profile().name()).isEqualTo(name);
        assertThat(shop.decrypt("u-1", PersonalDataCipher.EMAIL, u.profile().email()))
                .isEqualTo("anna@example.com");
    }

    @Test
    void withPseudonymsTheShopSealsForThePseudonym() throws Exception {
        EncryptionSettings enc = on("sealed-pseudonyms");
        PseudonymSettings ps = new PseudonymSettings(true, "k1", PSEUDONYM_KEY);
        String pseudonym = Pseudonymizer.of("k1", PSEUDONYM_KEY).pseudonym("u-1");
        PersonalDataCipher shop = enc.open();
        String email = shop.encryptCreatingKey(pseudonym, PersonalDataCipher.EMAIL, "anna@example.com");
        Out out = parse(enc, ps, doc("u-1", email, "Anna Berg"));
        assertThat(out.deadLetters()).isEmpty();
        assertThat(out.updates().get(0).userId()).isEqualTo(pseudonym);
        // the plain name is sealed by the job under the same key
        assertThat(shop.decrypt(
                        pseudonym,
                        PersonalDataCipher.NAME,
                        out.updates().get(0).profile().name()))
                .isEqualTo("Anna Berg");
        // sealed for the shop's raw id instead: does not open for the pseudonym
        String wrong = shop.encryptCreatingKey("u-2", PersonalDataCipher.EMAIL, "bob@example.com");
        Out bad = parse(enc, ps, doc("u-2", wrong, ""));
        assertThat(bad.updates()).isEmpty();
        assertThat(bad.deadLetters().get(0).reason())
                .contains("does not open")
                .as("the dead letter names the pseudonym, never the shop's id")
                .doesNotContain("u-2");
    }

    @Test
    void aSealedValueThatDoesNotOpenIsADeadLetterWithTheReason() throws Exception {
        EncryptionSettings enc = on("sealed-rejected");
        PersonalDataCipher shop = enc.open();
        String annasEmail = shop.encryptCreatingKey("u-1", PersonalDataCipher.EMAIL, "anna@example.com");
        String annasName = shop.encryptCreatingKey("u-1", PersonalDataCipher.NAME, "Anna Berg");
        shop.encryptCreatingKey("u-2", PersonalDataCipher.EMAIL, "bob@example.com");
        String notAnAddress = shop.encryptCreatingKey("u-2", PersonalDataCipher.EMAIL, "Bob <bob@example.com>");
        char c = annasEmail.charAt(annasEmail.length() - 3);
        String altered = annasEmail.substring(0, annasEmail.length() - 3)
                + (c == 'A' ? 'B' : 'A')
                + annasEmail.substring(annasEmail.length() - 2);
        Out out = parse(
                enc,
                PseudonymSettings.DISABLED,
                doc("u-2", annasEmail, ""), // another user's
                doc("u-1", altered, ""), // a byte changed
                doc("u-1", annasName, ""), // the name passed off as the address
                doc("u-2", notAnAddress, ""), // opens, but is no plain address
                doc("u-1", "mfe1.x.not*base64", ""), // not the form
                doc("u-9", annasEmail, "")); // a user without a key
        assertThat(out.updates()).isEmpty();
        assertThat(out.deadLetters()).hasSize(6);
        assertThat(out.deadLetters().get(0).reason()).contains("user u-2", "sealed 'email'", "does not open");
        assertThat(out.deadLetters().get(1).reason()).contains("does not open");
        assertThat(out.deadLetters().get(2).reason()).contains("does not open");
        assertThat(out.deadLetters().get(3).reason()).contains("not exactly one address");
        assertThat(out.deadLetters().get(4).reason()).contains("malformed sealed 'email'");
        assertThat(out.deadLetters().get(5).reason()).contains("does not open");
        for (DeadLetter d : out.deadLetters()) {
            assertThat(d.toString())
                    .doesNotContain("anna")
                    .doesNotContain("bob@")
                    .doesNotContain(annasEmail);
        }
    }

    @Test
    void afterTheErasureTheSealedProfileNoLongerOpens() throws Exception {
        EncryptionSettings enc = on("sealed-erased");
        PersonalDataCipher shop = enc.open();
        String email = shop.encryptCreatingKey("u-1", PersonalDataCipher.EMAIL, "anna@example.com");
        shop.erase("u-1");
        // a replay of the profiles topic after the erasure: the old sealed profile is refused, no new key is made,
        // and counted as personal data that could not be opened
        var op = new CountingProcessOperator<>(
                new ParseProfilesFunction(Duration.ofHours(1), PseudonymSettings.DISABLED, enc));
        try (var h = new OneInputStreamOperatorTestHarness<>(op)) {
            h.open();
            h.processElement(RawRecord.of("profiles", 0, doc("u-1", email, "")), 0);
            h.processElement(RawRecord.of("profiles", 1, doc("u-2", "bob@example.com", "Bob")), 0);
            assertThat(h.extractOutputValues())
                    .extracting(ContactUpdate::userId)
                    .containsExactly("u-2");
            assertThat(h.getSideOutput(Tags.DEAD_LETTERS))
                    .singleElement()
                    .satisfies(d -> assertThat(d.getValue().reason()).contains("does not open"));
            assertThat(op.counter(PersonalDataCipher.UNREADABLE_METRIC)).isEqualTo(1);
            assertThat(op.counter("sealedProfilesRejected")).isEqualTo(1);
        }
        assertThat(shop.hasKey("u-1")).isFalse();
    }

    @Test
    void withEncryptionOffASealedProfileIsADeadLetter() throws Exception {
        PersonalDataCipher shop = on("sealed-off").open();
        String email = shop.encryptCreatingKey("u-1", PersonalDataCipher.EMAIL, "anna@example.com");
        Out out = parse(EncryptionSettings.DISABLED, PseudonymSettings.DISABLED, doc("u-1", email, ""));
        assertThat(out.updates()).isEmpty();
        assertThat(out.deadLetters().get(0).reason()).contains("privacy.encryption.enabled is off");
    }
}
