package io.mailflow.privacy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-user data keys an operator needs, unwrapped and cached in memory (never in Flink state), filled from the
 * {@link UserKeyTopic}. A user without a cached key is looked up by reading the topic up to its current end, so a
 * key written by another operator a moment ago is found; a tombstone read removes the key from the cache. Cached keys
 * are also checked against the topic at least every {@link #REFRESH} while the operator uses them, so an erasure
 * written by another operator removes the key from this one's memory within that time.
 *
 * <p>Memory: one entry (about 100 bytes) per user with a key that this instance has needed or read. Thread-safe.
 */
public final class UserKeys implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** How long a cached key is used without reading the topic on to its end. */
    static final java.time.Duration REFRESH = java.time.Duration.ofSeconds(10);

    /** An unwrapped data key and its public id; memory only (a class, not a record: never a state or event type). */
    static final class DataKey {
        private final String id;
        private final byte[] key;

        DataKey(String id, byte[] key) {
            this.id = id;
            this.key = key;
        }

        String id() {
            return id;
        }

        byte[] key() {
            return key;
        }
    }

    private final KeyManagementService kms;
    private final UserKeyTopic topic;
    private final Map<String, DataKey> cache = new ConcurrentHashMap<>();
    private long unreadable;
    private final java.util.function.LongSupplier nanoTime;
    private volatile long lastCatchUp;

    public UserKeys(KeyManagementService kms, UserKeyTopic topic) {
        this(kms, topic, System::nanoTime);
    }

    /** @param nanoTime a monotonic clock (tests pass their own) */
    UserKeys(KeyManagementService kms, UserKeyTopic topic, java.util.function.LongSupplier nanoTime) {
        this.kms = kms;
        this.topic = topic;
        this.nanoTime = nanoTime;
        this.lastCatchUp = nanoTime.getAsLong() - REFRESH.toNanos();
    }

    /** The user's key, or null when the user has none (never had one, or it was erased). */
    DataKey find(String userId) {
        DataKey k = cache.get(userId);
        if (k != null && nanoTime.getAsLong() - lastCatchUp < REFRESH.toNanos()) {
            return k;
        }
        synchronized (this) {
            catchUp();
            return cache.get(userId);
        }
    }

    private void catchUp() {
        topic.catchUp(this::apply);
        lastCatchUp = nanoTime.getAsLong();
    }

    /**
     * The user's key, created and written to the topic (durably) when the user has none. A key cached within
     * {@link #REFRESH} is used as it is; otherwise the topic is read on first, so a key or tombstone another
     * operator wrote is seen before a new key is made.
     */
    synchronized DataKey getOrCreate(String userId) {
        DataKey k = cache.get(userId);
        if (k != null && nanoTime.getAsLong() - lastCatchUp < REFRESH.toNanos()) {
            return k;
        }
        catchUp();
        k = cache.get(userId);
        if (k != null) {
            return k;
        }
        byte[] raw = Aes256Gcm.newKey();
        byte[] idBytes = new byte[9];
        RANDOM.nextBytes(idBytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(idBytes);
        topic.write(userId, kms.wrap(id, raw, context(userId)).encode());
        k = new DataKey(id, raw);
        cache.put(userId, k);
        return k;
    }

    /** Crypto-shredding: writes the user's tombstone (durably) and forgets the key here. */
    public synchronized void erase(String userId) {
        topic.write(userId, null);
        cache.remove(userId);
    }

    /** Records of the topic whose key could not be unwrapped (another master key, damaged): skipped. */
    public synchronized long unreadableRecords() {
        return unreadable;
    }

    private void apply(String userId, String value) {
        if (value == null) {
            cache.remove(userId);
            return;
        }
        try {
            WrappedKey w = WrappedKey.decode(value);
            cache.put(userId, new DataKey(w.dataKeyId(), kms.unwrap(w, context(userId))));
        } catch (IllegalArgumentException | KeyUnavailableException e) {
            cache.remove(userId);
            unreadable++;
        }
    }

    static byte[] context(String userId) {
        return userId.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        topic.close();
    }
}
