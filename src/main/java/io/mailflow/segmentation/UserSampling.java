package io.mailflow.segmentation;

import java.nio.charset.StandardCharsets;

/**
 * The rules of the k-means trainer's bounded user sample, Flink-free: a user is in the sample when the 64-bit
 * hash of their id is at most the threshold (compared unsigned). The threshold starts at the top (everyone is in)
 * and halves whenever the sample outgrows its capacity, dropping about half of it: a uniform, deterministic
 * sample of users (the same users whatever the order of their events), each with their latest vector, of between
 * half the capacity and the capacity once the population exceeds it.
 */
public final class UserSampling {
    /** Everyone is in. */
    public static final long ALL = -1L;

    private UserSampling() {}

    /** FNV-1a over the id's UTF-8 bytes, then MurmurHash3's 64-bit finaliser for an even spread. */
    public static long hash(String userId) {
        long h = 0xcbf29ce484222325L;
        for (byte b : userId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    public static boolean in(long hash, long threshold) {
        return Long.compareUnsigned(hash, threshold) <= 0;
    }

    /** The threshold after the sample outgrew its capacity once more. */
    public static long halve(long threshold) {
        return threshold >>> 1;
    }
}
