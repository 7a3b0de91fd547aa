package io.mailflow.io;

/**
 * The newest trustworthy record time of one partition: a time counts only when it lies in the window of
 * {@link InputRules#timeAllowed} relative to the wall clock and to the newest time counted before. Flink-free;
 * {@link PartitionWatermarks} keeps one per partition.
 */
public final class PartitionClock {
    private final long maxFutureSkewMs;
    private final long maxAheadMs;
    private long newest = Long.MIN_VALUE;

    public PartitionClock(long maxFutureSkewMs, long maxAheadMs) {
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.maxAheadMs = maxAheadMs;
    }

    /**
     * @param t a record's time ({@link TimestampPeek#NONE} for none)
     * @param now the wall clock
     * @return whether the time counted
     */
    public boolean count(long t, long now) {
        if (t == TimestampPeek.NONE || !InputRules.timeAllowed(t, now, maxFutureSkewMs, newest, maxAheadMs)) {
            return false;
        }
        newest = Math.max(newest, t);
        return true;
    }

    /** The newest time counted, {@link Long#MIN_VALUE} before the first. */
    public long newest() {
        return newest;
    }
}
