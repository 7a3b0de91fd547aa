package io.mailflow.privacy;

import java.io.Serializable;
import java.util.function.BiConsumer;

/**
 * The one place where per-user data keys are kept: a compacted log keyed by user id whose values are
 * {@link WrappedKey#encode() wrapped keys}; a null value (a tombstone) erases the user's key, and with it every
 * copy of the data encrypted under it. Operators read it into memory ({@link UserKeys}) and never put a key in
 * Flink state, so no checkpoint or savepoint holds one.
 *
 * <p>Contract: {@link #catchUp} hands every record appended since its previous call (all of them on the first) to
 * {@code apply} in append order per user, and returns once it has read up to the end the log had when it was
 * called; {@link #write} returns only when the record is durable (acknowledged by the broker). Not thread-safe: one
 * caller at a time ({@link UserKeys} synchronizes).
 */
public interface UserKeyTopic extends AutoCloseable {
    void catchUp(BiConsumer<String, String> apply);

    /** Appends {@code userId -> value}; a null value is a tombstone. */
    void write(String userId, String value);

    @Override
    void close();

    /** Opens the topic inside an operator; serializable, so it travels in the job graph (no secrets in it). */
    @FunctionalInterface
    interface Factory extends Serializable {
        UserKeyTopic open();
    }
}
