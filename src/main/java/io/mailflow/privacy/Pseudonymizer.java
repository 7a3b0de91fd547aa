package io.mailflow.privacy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed pseudonyms for the shop's user ids: {@code <keyId>_<body><check>}, where {@code body} is the first
 * {@value #BODY_BYTES} bytes of HMAC-SHA256(key, id) and {@code check} the first {@value #CHECK_BYTES} bytes of
 * an HMAC over the key id and the body, both in lower-case RFC 4648 base32 without padding (a-z, 2-7): 34
 * characters after the key id, so a pseudonym is at most 51 characters and inside the job's id alphabet.
 *
 * <p>Deterministic (the same id and key give the same pseudonym in every task manager and every run), one-way
 * without the key, and different under another key. The key id in front shows which key made a pseudonym, so a
 * rotation is visible in every topic. The check lets the key's holder recognise its own pseudonyms
 * ({@link #isPseudonym}): the job reads back the suppressions it wrote itself, which {@link #ensure} must not
 * hash a second time, and a raw id that merely looks like a pseudonym is still hashed (2<sup>-40</sup>).
 *
 * <p>Thread-safe: each thread gets its own {@link Mac}. The key is never part of {@link #toString()} nor of any
 * exception message.
 */
public final class Pseudonymizer {
    /** The environment variable holding the key on the task managers (and for the CLI). */
    public static final String KEY_ENV = "MAILFLOW_PSEUDONYM_KEY";
    /** Shortest key accepted (characters). */
    public static final int MIN_KEY_CHARS = 32;
    /** Allowed key ids: written in front of every pseudonym. */
    public static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9-]{1,16}");

    static final int BODY_BYTES = 16;
    static final int CHECK_BYTES = 5;
    /** Characters after {@code <keyId>_}. */
    public static final int ENCODED_LENGTH = 26 + 8;

    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] ID_DOMAIN = "mailflow-pseudonym-v1\u0000".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CHECK_DOMAIN = "mailflow-pseudonym-check-v1\u0000".getBytes(StandardCharsets.UTF_8);
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private final String keyId;
    private final String prefix;
    private final ThreadLocal<Mac> mac;

    private Pseudonymizer(String keyId, byte[] key) {
        this.keyId = keyId;
        this.prefix = keyId + "_";
        SecretKeySpec spec = new SecretKeySpec(key, ALGORITHM);
        this.mac = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance(ALGORITHM);
                m.init(spec);
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        });
        mac.get(); // fail here, not at the first record
    }

    /**
     * @param keyId the key's public id, 1-16 of A-Z a-z 0-9 -
     * @param key the secret, at least {@value #MIN_KEY_CHARS} characters
     */
    public static Pseudonymizer of(String keyId, String key) {
        if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
            throw new IllegalArgumentException(
                    "The pseudonym key id must be 1-16 of A-Z a-z 0-9 -, got '" + keyId + "'.");
        }
        if (key == null || key.length() < MIN_KEY_CHARS) {
            throw new IllegalArgumentException("Set the environment variable " + KEY_ENV + " to a secret of at least "
                    + MIN_KEY_CHARS + " characters (on the client and the task managers): it makes the pseudonyms of"
                    + " user ids (privacy.pseudonyms.enabled).");
        }
        return new Pseudonymizer(keyId, key.getBytes(StandardCharsets.UTF_8));
    }

    public String keyId() {
        return keyId;
    }

    /** The pseudonym of a raw id under this key. */
    public String pseudonym(String rawId) {
        byte[] digest = hmac(ID_DOMAIN, rawId);
        String body = base32(Arrays.copyOf(digest, BODY_BYTES));
        return prefix + body + check(body);
    }

    /** Whether {@code id} is a pseudonym made with this key (its key id and its check match). */
    public boolean isPseudonym(String id) {
        if (id == null || id.length() != prefix.length() + ENCODED_LENGTH || !id.startsWith(prefix)) {
            return false;
        }
        String body = id.substring(prefix.length(), id.length() - 8);
        String check = id.substring(id.length() - 8);
        return MessageDigest.isEqual(
                check(body).getBytes(StandardCharsets.US_ASCII), check.getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code id} itself when it is already a pseudonym of this key, else its pseudonym (idempotent). */
    public String ensure(String id) {
        return isPseudonym(id) ? id : pseudonym(id);
    }

    private String check(String body) {
        return base32(Arrays.copyOf(hmac(CHECK_DOMAIN, prefix + body), CHECK_BYTES));
    }

    private byte[] hmac(byte[] domain, String text) {
        Mac m = mac.get();
        m.update(domain);
        return m.doFinal(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Lower-case RFC 4648 base32 without padding. */
    static String base32(byte[] bytes) {
        StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "Pseudonymizer{keyId=" + keyId + ", key=<set>}";
    }
}
