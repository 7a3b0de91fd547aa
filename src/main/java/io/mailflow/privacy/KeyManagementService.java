package io.mailflow.privacy;

/**
 * Wraps and unwraps per-user data keys with a master key that never leaves it. Contract: {@link #wrap} uses the
 * current master key and names it in the result; {@link #unwrap} accepts a key wrapped by any master key the service
 * still holds (the current one and, during a rotation, the previous one), authenticates {@code context} (the user
 * the data key belongs to), and fails with {@link KeyUnavailableException} otherwise. Implementations are
 * thread-safe. {@link LocalKeyManagementService} keeps the master keys in memory, read from the environment; a
 * cloud KMS would implement the same two calls.
 */
public interface KeyManagementService {
    /** The id of the master key that {@link #wrap} uses. */
    String currentKeyId();

    WrappedKey wrap(String dataKeyId, byte[] dataKey, byte[] context);

    byte[] unwrap(WrappedKey wrapped, byte[] context) throws KeyUnavailableException;
}
