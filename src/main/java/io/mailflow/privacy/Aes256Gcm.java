package io.mailflow.privacy;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a random 96-bit nonce per message and a 128-bit tag: {@code nonce || ciphertext || tag}.
 * Authenticated encryption with associated data: opening fails ({@link KeyUnavailableException}) when the key,
 * the associated data or any byte of the message differ. Random nonces are safe for far more than 2<sup>32</sup>
 * messages per key; a per-user data key sees a handful.
 */
final class Aes256Gcm {
    static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Aes256Gcm() {}

    static byte[] newKey() {
        byte[] k = new byte[KEY_BYTES];
        RANDOM.nextBytes(k);
        return k;
    }

    static byte[] seal(byte[] key, byte[] plaintext, byte[] associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(associatedData);
            byte[] sealed = c.doFinal(plaintext);
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available", e);
        }
    }

    static byte[] open(byte[] key, byte[] message, byte[] associatedData) throws KeyUnavailableException {
        if (message.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new KeyUnavailableException("ciphertext too short");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(
                    Cipher.DECRYPT_MODE,
                    new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(TAG_BITS, message, 0, NONCE_BYTES));
            c.updateAAD(associatedData);
            return c.doFinal(message, NONCE_BYTES, message.length - NONCE_BYTES);
        } catch (javax.crypto.AEADBadTagException e) {
            // wrong key, wrong user or field, or a changed byte: the same answer for all, by design
            throw new KeyUnavailableException("ciphertext does not authenticate");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available", e);
        }
    }
}
