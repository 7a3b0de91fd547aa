package io.mailflow.privacy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Encrypts a user's personal data field by field under the user's data key. A ciphertext is text,
 * {@code mfe1.<dataKeyId>.<base64url(nonce||ciphertext||tag)>}, and authenticates the user id, the field name and
 * the key id as associated data: a value moved to another user or another field does not decrypt. Once the user's
 * key is erased (a tombstone in the key topic) no copy of the value can be read again, wherever it was stored.
 *
 * <p>Values without the prefix are plain text written before encryption was turned on; {@link #decrypt} passes them
 * through, so a job restored from an older savepoint keeps working while it upgrades them (docs/privacy.md).
 */
public final class PersonalDataCipher implements AutoCloseable {
    static final String PREFIX = "mfe1.";

    /** Field names, part of each ciphertext's associated data. */
    public static final String EMAIL = "email";

    public static final String NAME = "name";
    public static final String SUBJECT = "subject";
    public static final String HTML = "html";
    public static final String TEXT = "text";
    /** A dry run's decision: the rendered subject and the text excerpt it publishes to the decisions topic. */
    public static final String DECISION_SUBJECT = "decision-subject";

    public static final String DECISION_EXCERPT = "decision-excerpt";

    /**
     * Name of the counter, in every operator that opens personal data (parse profiles, render, send), of records
     * whose personal fields could not be opened: the user's key is erased or missing, or the value does not
     * authenticate.
     */
    public static final String UNREADABLE_METRIC = "personalDataUnreadable";

    private final UserKeys keys;

    public PersonalDataCipher(UserKeys keys) {
        this.keys = keys;
    }

    public static boolean isEncrypted(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** Encrypts under the user's key, creating the key (and writing it to the key topic) if the user has none. */
    public String encryptCreatingKey(String userId, String field, String plaintext) {
        if (plaintext == null || isEncrypted(plaintext)) {
            return plaintext;
        }
        return seal(keys.getOrCreate(userId), userId, field, plaintext);
    }

    /** Encrypts under the user's existing key. */
    public String encrypt(String userId, String field, String plaintext) throws KeyUnavailableException {
        if (plaintext == null || isEncrypted(plaintext)) {
            return plaintext;
        }
        UserKeys.DataKey k = keys.find(userId);
        if (k == null) {
            throw new KeyUnavailableException("no data key for the user (erased or never created)");
        }
        return seal(k, userId, field, plaintext);
    }

    /** True when the user has a data key now. */
    public boolean hasKey(String userId) {
        return keys.find(userId) != null;
    }

    /** The plain text of a value; a value without the prefix is returned as it is. */
    public String decrypt(String userId, String field, String value) throws KeyUnavailableException {
        if (!isEncrypted(value)) {
            return value;
        }
        String[] p = value.split("\\.", -1);
        if (p.length != 3) {
            throw new KeyUnavailableException("malformed ciphertext");
        }
        UserKeys.DataKey k = keys.find(userId);
        if (k == null || !k.id().equals(p[1])) {
            throw new KeyUnavailableException("the data key of this value is not available (erased?)");
        }
        byte[] message;
        try {
            message = Base64.getUrlDecoder().decode(p[2]);
        } catch (IllegalArgumentException e) {
            throw new KeyUnavailableException("malformed ciphertext");
        }
        return new String(Aes256Gcm.open(k.key(), message, aad(userId, field, k.id())), StandardCharsets.UTF_8);
    }

    /** Crypto-shredding of the user: see {@link UserKeys#erase}. */
    public void erase(String userId) {
        keys.erase(userId);
    }

    private static String seal(UserKeys.DataKey k, String userId, String field, String plaintext) {
        byte[] sealed = Aes256Gcm.seal(k.key(), plaintext.getBytes(StandardCharsets.UTF_8), aad(userId, field, k.id()));
        return PREFIX + k.id() + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sealed);
    }

    private static byte[] aad(String userId, String field, String keyId) {
        // lengths in front: no two (user, field) pairs give the same bytes
        return ("mfe1|" + userId.length() + ":" + userId + "|" + field.length() + ":" + field + "|" + keyId)
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        keys.close();
    }
}
