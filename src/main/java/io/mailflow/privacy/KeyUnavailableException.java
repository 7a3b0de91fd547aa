package io.mailflow.privacy;

/**
 * Personal data that cannot be read: the user's data key is erased (or was never there), or the ciphertext does
 * not authenticate (another user's or field's, or changed). The message never holds key material or plaintext.
 */
public final class KeyUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public KeyUnavailableException(String message) {
        super(message);
    }
}
