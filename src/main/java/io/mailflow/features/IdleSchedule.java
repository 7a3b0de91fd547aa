package io.mailflow.features;

import java.io.Serializable;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * When a user who stays away is snapshotted again ({@code features.idle-snapshot-after}, {@code
 * features.idle-snapshot-max}): at {@code lastSessionEnd + k * after} for {@code k = 1 .. max}, until a new session
 * moves {@code lastSessionEnd}. The instant alone says which repeat it is, so the operator keeps no state for it:
 * a timer that no longer matches the history's latest session (a session came in between) is stale and does nothing.
 * Flink-free; {@link FeatureFunction} only registers and deletes the timers.
 */
public final class IdleSchedule implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Most repeats allowed: each is one timer at a time per user and one scored snapshot. */
    public static final int MAX_REPEATS = 24;

    private final long afterMs;
    private final int max;

    /**
     * @param after time without a session before each idle snapshot; zero turns idle snapshots off
     * @param max idle snapshots at most after one session, in [1, {@value #MAX_REPEATS}]
     */
    public IdleSchedule(Duration after, int max) {
        if (after.isNegative() || max < 1 || max > MAX_REPEATS) {
            throw new IllegalArgumentException("idle snapshots: after must be >= 0 and max in [1, " + MAX_REPEATS
                    + "], got " + after + " and " + max);
        }
        this.afterMs = after.toMillis();
        this.max = max;
    }

    /** No idle snapshots. */
    public static IdleSchedule off() {
        return new IdleSchedule(Duration.ZERO, 1);
    }

    public boolean enabled() {
        return afterMs > 0;
    }

    /** The instant of the {@code k}-th idle snapshot after a session that ended at {@code lastSessionEnd}. */
    public long at(long lastSessionEnd, int k) {
        return lastSessionEnd + k * afterMs;
    }

    /**
     * Which repeat a timer at {@code timer} is for a user whose latest session ended at {@code lastSessionEnd}: empty
     * when it is none of {@code 1 .. max} (a stale timer, or idle snapshots off).
     */
    public OptionalInt repeat(long lastSessionEnd, long timer) {
        long elapsed = timer - lastSessionEnd;
        if (!enabled() || elapsed <= 0 || elapsed % afterMs != 0 || elapsed / afterMs > max) {
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) (elapsed / afterMs));
    }

    /**
     * The instant of the idle timer still pending at watermark {@code watermark} after a session that ended at
     * {@code lastSessionEnd} (the first repeat not yet fired), if any is left: the one to delete when a new session
     * or an erasure replaces it.
     */
    public OptionalLong pending(long lastSessionEnd, long watermark) {
        if (!enabled()) {
            return OptionalLong.empty();
        }
        // before any watermark it is Long.MIN_VALUE: no subtraction that could overflow
        long k = watermark < lastSessionEnd ? 1 : (watermark - lastSessionEnd) / afterMs + 1;
        return k > max ? OptionalLong.empty() : OptionalLong.of(at(lastSessionEnd, (int) k));
    }

    /** Whether another idle snapshot follows the {@code k}-th. */
    public boolean hasNext(int k) {
        return k < max;
    }

    public int max() {
        return max;
    }
}
