package io.mailflow.recommendations;

/**
 * The session numbers the session-kNN index holds: from {@code oldest} (inclusive) to {@code next} (the number
 * the next session gets). Numbers are given in arrival order and never reused.
 */
public record KnnRange(long oldest, long next) {
    public long size() {
        return next - oldest;
    }
}
