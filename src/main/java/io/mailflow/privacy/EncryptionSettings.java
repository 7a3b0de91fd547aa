package io.mailflow.privacy;

import java.util.function.UnaryOperator;

/**
 * Whether personal data (addresses, names, rendered e-mails) is encrypted under per-user keys, and where the keys
 * are. In production {@code masterKey} is empty and each operator reads
 * {@link LocalKeyManagementService#MASTER_KEY_ENV} from its task manager's environment when it opens, so the master
 * key never travels in the job graph; tests may set it.
 *
 * @param enabled encrypt personal data
 * @param masterKeyId the id of the current master key, carried by every wrapped data key
 * @param masterKey base64 of the master key set programmatically, or empty: read from the environment
 * @param keyTopic where the wrapped per-user keys are (the compacted key topic in production)
 */
public record EncryptionSettings(boolean enabled, String masterKeyId, String masterKey, UserKeyTopic.Factory keyTopic)
        implements java.io.Serializable {
    /** Plain text kept (the default). */
    public static final EncryptionSettings DISABLED = new EncryptionSettings(false, "m1", "", null);

    /** The cipher, or null when disabled. Fails with the variable's name when the master key is missing or bad. */
    public PersonalDataCipher open(UnaryOperator<String> getenv) {
        if (!enabled) {
            return null;
        }
        KeyManagementService kms = masterKey == null || masterKey.isEmpty()
                ? LocalKeyManagementService.fromEnvironment(masterKeyId, getenv)
                : new LocalKeyManagementService(
                        masterKeyId, masterKey, getenv.apply(LocalKeyManagementService.PREVIOUS_MASTER_KEY_ENV));
        return new PersonalDataCipher(new UserKeys(kms, keyTopic.open()));
    }

    /** As {@link #open(UnaryOperator)} with the process environment. */
    public PersonalDataCipher open() {
        return open(System::getenv);
    }

    @Override
    public String toString() {
        return "EncryptionSettings{enabled=" + enabled + ", masterKeyId=" + masterKeyId + ", masterKey="
                + (masterKey == null || masterKey.isEmpty() ? "<from env>" : "<set>") + "}";
    }
}
