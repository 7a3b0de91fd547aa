package io.mailflow.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class PersonalDataCipherTest {
    private static final String MASTER = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String OTHER_MASTER =
            Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    private static PersonalDataCipher cipher(String log, String masterKey) {
        return new PersonalDataCipher(new UserKeys(
                new LocalKeyManagementService("m1", masterKey, null),
                InMemoryUserKeyTopic.named(log).open()));
    }

    @Test
    void roundTripAndNoPlainTextInTheCiphertext() throws Exception {
        PersonalDataCipher c = cipher("round-trip", MASTER);
        String sealed = c.encryptCreatingKey("u-1", "email", "anna@example.com");
        assertThat(sealed).startsWith("mfe1.").doesNotContain("anna").doesNotContain("example");
        assertThat(c.decrypt("u-1", "email", sealed)).isEqualTo("anna@example.com");
        // a second instance (another operator) reads the key from the topic
        assertThat(cipher("round-trip", MASTER).decrypt("u-1", "email", sealed)).isEqualTo("anna@example.com");
        // one key per user, reused
        assertThat(InMemoryUserKeyTopic.records("round-trip")).hasSize(1);
        c.encryptCreatingKey("u-1", "name", "Anna");
        assertThat(InMemoryUserKeyTopic.records("round-trip")).hasSize(1);
    }

    @Test
    void ciphertextsCannotBeSwappedBetweenUsersOrFields() throws Exception {
        PersonalDataCipher c = cipher("swap", MASTER);
        String anna = c.encryptCreatingKey("u-1", "email", "anna@example.com");
        c.encryptCreatingKey("u-2", "email", "bob@example.com");
        assertThatThrownBy(() -> c.decrypt("u-2", "email", anna)).isInstanceOf(KeyUnavailableException.class);
        assertThatThrownBy(() -> c.decrypt("u-1", "name", anna)).isInstanceOf(KeyUnavailableException.class);
    }

    @Test
    void aTamperedCiphertextFails() throws Exception {
        PersonalDataCipher c = cipher("tamper", MASTER);
        String sealed = c.encryptCreatingKey("u-1", "email", "anna@example.com");
        char last = sealed.charAt(sealed.length() - 5);
        String tampered = sealed.substring(0, sealed.length() - 5)
                + (last == 'A' ? 'B' : 'A')
                + sealed.substring(sealed.length() - 4);
        assertThatThrownBy(() -> c.decrypt("u-1", "email", tampered)).isInstanceOf(KeyUnavailableException.class);
        assertThatThrownBy(() -> c.decrypt("u-1", "email", "mfe1.x")).isInstanceOf(KeyUnavailableException.class);
    }

    @Test
    void anErasedKeyMakesEveryCopyUnreadable() throws Exception {
        PersonalDataCipher writer = cipher("erase", MASTER);
        PersonalDataCipher reader = cipher("erase", MASTER);
        String sealed = writer.encryptCreatingKey("u-1", "email", "anna@example.com");
        String kept = writer.encryptCreatingKey("u-2", "email", "bob@example.com");
        assertThat(reader.decrypt("u-1", "email", sealed)).isEqualTo("anna@example.com");
        writer.erase("u-1");
        assertThatThrownBy(() -> writer.decrypt("u-1", "email", sealed)).isInstanceOf(KeyUnavailableException.class);
        // a fresh reader of the whole log (as after a restart, or someone holding an old savepoint)
        PersonalDataCipher fresh = cipher("erase", MASTER);
        assertThatThrownBy(() -> fresh.decrypt("u-1", "email", sealed)).isInstanceOf(KeyUnavailableException.class);
        assertThat(fresh.decrypt("u-2", "email", kept)).isEqualTo("bob@example.com");
        // a later profile gets a new key; the old ciphertext stays unreadable
        String again = writer.encryptCreatingKey("u-1", "email", "anna@example.com");
        assertThat(cipher("erase", MASTER).decrypt("u-1", "email", again)).isEqualTo("anna@example.com");
        assertThatThrownBy(() -> cipher("erase", MASTER).decrypt("u-1", "email", sealed))
                .isInstanceOf(KeyUnavailableException.class);
        assertThat(InMemoryUserKeyTopic.records("erase").get(2)[1]).isNull();
    }

    @Test
    void theKeyTopicHoldsNoUsableKeyWithoutTheMasterKey() throws Exception {
        PersonalDataCipher c = cipher("master", MASTER);
        String sealed = c.encryptCreatingKey("u-1", "email", "anna@example.com");
        List<String[]> log = InMemoryUserKeyTopic.records("master");
        assertThat(log.get(0)[1]).startsWith("mfk1.m1.");
        PersonalDataCipher wrongMaster = cipher("master", OTHER_MASTER);
        assertThatThrownBy(() -> wrongMaster.decrypt("u-1", "email", sealed))
                .isInstanceOf(KeyUnavailableException.class);
    }

    @Test
    void aWrappedKeyMovedToAnotherUserDoesNotUnwrap() {
        LocalKeyManagementService kms = new LocalKeyManagementService("m1", MASTER, null);
        WrappedKey w = kms.wrap("k1", new byte[32], UserKeys.context("u-1"));
        assertThatThrownBy(() -> kms.unwrap(w, UserKeys.context("u-2"))).isInstanceOf(KeyUnavailableException.class);
        assertThat(WrappedKey.decode(w.encode())).isEqualTo(w);
    }

    @Test
    void masterKeyRotationRewrapsWithThePreviousKeyStillReadable() throws Exception {
        LocalKeyManagementService old = new LocalKeyManagementService("m1", MASTER, null);
        LocalKeyManagementService rotated = new LocalKeyManagementService("m2", OTHER_MASTER, "m1:" + MASTER);
        byte[] ctx = UserKeys.context("u-1");
        WrappedKey before = old.wrap("k1", new byte[32], ctx);
        WrappedKey after = rotated.wrap("k1", rotated.unwrap(before, ctx), ctx);
        assertThat(after.masterKeyId()).isEqualTo("m2");
        assertThat(new LocalKeyManagementService("m2", OTHER_MASTER, null).unwrap(after, ctx))
                .isEqualTo(new byte[32]);
    }

    @Test
    void aMissingOrShortMasterKeyIsRefusedWithTheVariableNameOnly() {
        assertThatThrownBy(() -> LocalKeyManagementService.fromEnvironment("m1", v -> null))
                .hasMessageContaining("MAILFLOW_MASTER_KEY");
        assertThatThrownBy(() -> new LocalKeyManagementService("m1", "c2hvcnQ=", null))
                .hasMessageNotContaining("c2hvcnQ=");
        assertThat(new LocalKeyManagementService("m1", MASTER, null).toString()).doesNotContain(MASTER);
    }

    @Test
    void plainTextFromBeforeEncryptionPassesThrough() throws Exception {
        assertThat(cipher("legacy", MASTER).decrypt("u-1", "email", "anna@example.com"))
                .isEqualTo("anna@example.com");
    }

    @Test
    void rotationRewrapsEveryKeyAndKeepsErasedUsersErased() throws Exception {
        PersonalDataCipher before = cipher("rotation", MASTER);
        String anna = before.encryptCreatingKey("u-1", "email", "anna@example.com");
        String bob = before.encryptCreatingKey("u-2", "email", "bob@example.com");
        before.erase("u-2");
        MasterKeyRotation.Result r = MasterKeyRotation.rewrap(
                InMemoryUserKeyTopic.named("rotation").open(),
                new LocalKeyManagementService("m2", OTHER_MASTER, "m1:" + MASTER));
        assertThat(r).isEqualTo(new MasterKeyRotation.Result(1, 0, 0, 1));
        // after the rotation only the new master key is needed; the data keys and ciphertexts are unchanged
        PersonalDataCipher after = new PersonalDataCipher(new UserKeys(
                new LocalKeyManagementService("m2", OTHER_MASTER, null),
                InMemoryUserKeyTopic.named("rotation").open()));
        assertThat(after.decrypt("u-1", "email", anna)).isEqualTo("anna@example.com");
        assertThatThrownBy(() -> after.decrypt("u-2", "email", bob)).isInstanceOf(KeyUnavailableException.class);
        assertThat(InMemoryUserKeyTopic.records("rotation"))
                .last()
                .satisfies(rec -> assertThat(rec[1]).startsWith("mfk1.m2."));
        // the old master key alone no longer reads the topic's latest record
        assertThatThrownBy(() -> cipher("rotation", MASTER).decrypt("u-1", "email", anna))
                .isInstanceOf(KeyUnavailableException.class);
    }

    @Test
    void anotherOperatorsCachedKeyIsDroppedWithinTheRefreshTime() throws Exception {
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        PersonalDataCipher writer = cipher("refresh", MASTER);
        PersonalDataCipher reader = new PersonalDataCipher(new UserKeys(
                new LocalKeyManagementService("m1", MASTER, null),
                InMemoryUserKeyTopic.named("refresh").open(),
                nanos::get));
        String sealed = writer.encryptCreatingKey("u-1", "email", "anna@example.com");
        assertThat(reader.decrypt("u-1", "email", sealed)).isEqualTo("anna@example.com");
        writer.erase("u-1");
        // within the refresh time the reader may still use its cached key; past it, it reads the tombstone
        nanos.addAndGet(UserKeys.REFRESH.toNanos() - 1);
        assertThat(reader.decrypt("u-1", "email", sealed)).isEqualTo("anna@example.com");
        nanos.addAndGet(1);
        assertThatThrownBy(() -> reader.decrypt("u-1", "email", sealed)).isInstanceOf(KeyUnavailableException.class);
    }
}
