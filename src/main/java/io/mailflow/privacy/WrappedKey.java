package io.mailflow.privacy;

import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A user's data key as stored in the key topic: wrapped (AES-256-GCM) by the master key {@code masterKeyId}.
 * Text form, the key topic's value: {@code mfk1.<masterKeyId>.<dataKeyId>.<base64url(nonce||wrapped||tag)>}.
 *
 * @param dataKeyId random public id of the data key, carried by every ciphertext made with it
 */
public record WrappedKey(String masterKeyId, String dataKeyId, byte[] wrapped) {
    static final String VERSION = "mfk1";
    /** Master and data key ids: 1-16 of A-Z a-z 0-9 - _ (no dot: the separator). */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,16}");

    public WrappedKey {
        if (masterKeyId == null || !ID.matcher(masterKeyId).matches()) {
            throw new IllegalArgumentException("invalid master key id");
        }
        if (dataKeyId == null || !ID.matcher(dataKeyId).matches()) {
            throw new IllegalArgumentException("invalid data key id");
        }
        wrapped = wrapped.clone();
    }

    @Override
    public byte[] wrapped() {
        return wrapped.clone();
    }

    public String encode() {
        return VERSION + "." + masterKeyId + "." + dataKeyId + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(wrapped);
    }

    /** @throws IllegalArgumentException when the text is not a wrapped key of a known version */
    public static WrappedKey decode(String text) {
        String[] p = text == null ? new String[0] : text.split("\\.", -1);
        if (p.length != 4 || !p[0].equals(VERSION)) {
            throw new IllegalArgumentException("not a wrapped data key (" + VERSION + ")");
        }
        return new WrappedKey(p[1], p[2], Base64.getUrlDecoder().decode(p[3]));
    }

    @Override
    public String toString() {
        return "WrappedKey{master=" + masterKeyId + ", id=" + dataKeyId + "}";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WrappedKey w && w.encode().equals(encode());
    }

    @Override
    public int hashCode() {
        return encode().hashCode();
    }
}
