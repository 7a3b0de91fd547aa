package io.mailflow.privacy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Master keys held in memory, read from the process environment: {@value #MASTER_KEY_ENV} (base64 of 32 random
 * bytes, e.g. {@code openssl rand -base64 32}) under the configured id, and during a rotation
 * {@value #PREVIOUS_MASTER_KEY_ENV} as {@code <id>:<base64>}, which still unwraps the keys wrapped before (see
 * docs/privacy.md, "Key management"). The keys are never part of {@link #toString()} nor of an exception message.
 */
public final class LocalKeyManagementService implements KeyManagementService {
    public static final String MASTER_KEY_ENV = "MAILFLOW_MASTER_KEY";
    public static final String PREVIOUS_MASTER_KEY_ENV = "MAILFLOW_MASTER_KEY_PREVIOUS";
    private static final byte[] DOMAIN = "mailflow/data-key/v1|".getBytes(StandardCharsets.UTF_8);

    private final String currentKeyId;
    private final Map<String, byte[]> keys = new LinkedHashMap<>();

    /**
     * @param currentKeyId the id of {@code currentKey}
     * @param currentKey base64 of 32 bytes
     * @param previous {@code <id>:<base64>} of the previous master key, or null/empty
     */
    public LocalKeyManagementService(String currentKeyId, String currentKey, String previous) {
        if (currentKeyId == null || !WrappedKey.ID.matcher(currentKeyId).matches()) {
            throw new IllegalArgumentException("The master key id must be 1-16 of A-Z a-z 0-9 - _.");
        }
        this.currentKeyId = currentKeyId;
        keys.put(currentKeyId, decodeKey(currentKey, MASTER_KEY_ENV));
        if (previous != null && !previous.isBlank()) {
            int colon = previous.indexOf(':');
            String id = colon < 0 ? "" : previous.substring(0, colon);
            if (!WrappedKey.ID.matcher(id).matches() || id.equals(currentKeyId)) {
                throw new IllegalArgumentException(PREVIOUS_MASTER_KEY_ENV
                        + " must be <id>:<base64 of 32 bytes>, with an id other than the current master key's.");
            }
            keys.put(id, decodeKey(previous.substring(colon + 1), PREVIOUS_MASTER_KEY_ENV));
        }
    }

    /** From the environment: the current key in {@value #MASTER_KEY_ENV}, the previous one if set. */
    public static LocalKeyManagementService fromEnvironment(String currentKeyId, UnaryOperator<String> getenv) {
        return new LocalKeyManagementService(
                currentKeyId, getenv.apply(MASTER_KEY_ENV), getenv.apply(PREVIOUS_MASTER_KEY_ENV));
    }

    private static byte[] decodeKey(String base64, String variable) {
        byte[] k;
        try {
            k = base64 == null ? new byte[0] : Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            k = new byte[0];
        }
        if (k.length != Aes256Gcm.KEY_BYTES) {
            throw new IllegalArgumentException("Set the environment variable " + variable
                    + " to the base64 of 32 random bytes (openssl rand -base64 32), on the client and the task"
                    + " managers: it wraps the per-user data keys (privacy.encryption.enabled).");
        }
        return k;
    }

    @Override
    public String currentKeyId() {
        return currentKeyId;
    }

    @Override
    public WrappedKey wrap(String dataKeyId, byte[] dataKey, byte[] context) {
        return new WrappedKey(
                currentKeyId, dataKeyId, Aes256Gcm.seal(keys.get(currentKeyId), dataKey, aad(dataKeyId, context)));
    }

    @Override
    public byte[] unwrap(WrappedKey w, byte[] context) throws KeyUnavailableException {
        byte[] master = keys.get(w.masterKeyId());
        if (master == null) {
            throw new KeyUnavailableException("master key " + w.masterKeyId() + " is not held");
        }
        return Aes256Gcm.open(master, w.wrapped(), aad(w.dataKeyId(), context));
    }

    private static byte[] aad(String dataKeyId, byte[] context) {
        byte[] id = (dataKeyId + "|").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[DOMAIN.length + id.length + context.length];
        System.arraycopy(DOMAIN, 0, out, 0, DOMAIN.length);
        System.arraycopy(id, 0, out, DOMAIN.length, id.length);
        System.arraycopy(context, 0, out, DOMAIN.length + id.length, context.length);
        return out;
    }

    @Override
    public String toString() {
        return "LocalKeyManagementService{current=" + currentKeyId + ", held=" + keys.keySet() + "}";
    }
}
