package io.mailflow.email;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The keys that sign and verify links: one current key, which signs every new token, and any number of
 * previous keys, each accepted until a fixed instant so that a secret can be rotated without breaking the
 * links in e-mails already sent. Every key has a short public id, written in clear at the start of each
 * token, so the verifier knows which key to use.
 *
 * <pre>
 * Keyring.of("k2", System.getenv(EmailComposer.LINK_SECRET_ENV))
 *        .withPrevious(System.getenv(Keyring.PREVIOUS_SECRET_ENV));   // "k1,2027-03-01T00:00:00Z,&lt;old secret&gt;"
 * </pre>
 *
 * Immutable; messages never quote a secret.
 */
public final class Keyring {
    /** The environment variable with the previous key: {@code <keyId>,<accept until, ISO-8601 instant>,<secret>}. */
    public static final String PREVIOUS_SECRET_ENV = "MAILFLOW_LINK_SECRET_PREVIOUS";

    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,16}");

    /** A signing key; {@code acceptUntil} is {@link Long#MAX_VALUE} for the current key. */
    static final class Key {
        final String id;
        final byte[] secret;
        final long acceptUntilEpochSeconds;

        private Key(String id, byte[] secret, long acceptUntilEpochSeconds) {
            this.id = id;
            this.secret = secret;
            this.acceptUntilEpochSeconds = acceptUntilEpochSeconds;
        }
    }

    private final Key current;
    private final Map<String, Key> byId;

    private Keyring(Key current, Map<String, Key> byId) {
        this.current = current;
        this.byId = byId;
    }

    /** A keyring with one key, which signs and verifies. */
    public static Keyring of(String keyId, String secret) {
        Key k = key(keyId, secret, Long.MAX_VALUE, EmailComposer.LINK_SECRET_ENV);
        Map<String, Key> m = new LinkedHashMap<>();
        m.put(k.id, k);
        return new Keyring(k, m);
    }

    /** This keyring plus a previous key, which verifies tokens until {@code acceptUntilEpochSeconds} (inclusive). */
    public Keyring withPrevious(String keyId, String secret, long acceptUntilEpochSeconds) {
        Key k = key(keyId, secret, acceptUntilEpochSeconds, PREVIOUS_SECRET_ENV);
        if (byId.containsKey(k.id)) {
            throw new IllegalArgumentException("Link key id " + k.id + " is used twice: give the new key a new id.");
        }
        Map<String, Key> m = new LinkedHashMap<>(byId);
        m.put(k.id, k);
        return new Keyring(current, m);
    }

    /**
     * This keyring plus the previous key given as {@code <keyId>,<ISO-8601 instant>,<secret>} (the format of
     * {@link #PREVIOUS_SECRET_ENV}); null or blank adds nothing.
     */
    public Keyring withPrevious(String spec) {
        if (spec == null || spec.isBlank()) {
            return this;
        }
        String[] f = spec.split(",", 3);
        if (f.length != 3) {
            throw new IllegalArgumentException(
                    PREVIOUS_SECRET_ENV + " must be <keyId>,<accept until, e.g. 2027-03-01T00:00:00Z>,<secret>.");
        }
        long until;
        try {
            until = Instant.parse(f[1].strip()).getEpochSecond();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(PREVIOUS_SECRET_ENV
                    + ": the second field must be an ISO-8601 instant such as 2027-03-01T00:00:00Z.");
        }
        return withPrevious(f[0].strip(), f[2], until);
    }

    Key current() {
        return current;
    }

    /** The key with this id, or null. */
    Key key(String id) {
        return byId.get(id);
    }

    static boolean validId(String id) {
        return id != null && KEY_ID.matcher(id).matches();
    }

    private static Key key(String id, String secret, long until, String env) {
        if (!validId(id)) {
            throw new IllegalArgumentException(
                    "A link key id is 1 to 16 letters, digits, '-' or '_' (it is written in every link).");
        }
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException(
                    "The link-signing secret of key " + id + " must be at least 16 characters (set " + env + ").");
        }
        return new Key(id, secret.getBytes(StandardCharsets.UTF_8), until);
    }
}
