package io.mailflow.guardrails;

/**
 * Spaces released e-mails evenly in processing time at a rate, so that a burst (every abandoned cart of a
 * replayed hour due at once, a campaign to a segment) waits in keyed state instead of in the network
 * buffers in front of the rate-limited sender. Buffers that hold a backlog delay every checkpoint barrier
 * behind it, so without pacing no checkpoint completes until the burst is delivered; a slot in state costs
 * a checkpoint nothing.
 *
 * <p>One pacer per parallel instance, each at its share of the job's rate. Its position is not
 * checkpointed: after a restore it starts again from the current time, and requests whose slots passed
 * while the job was down are given new slots ({@link #overdue}) rather than all released at once.
 */
public final class ReleasePacer {
    private final long intervalMs;
    private final long toleranceMs;
    private long next = Long.MIN_VALUE;

    /**
     * @param perSecond releases per second for this instance; must be positive
     */
    public ReleasePacer(double perSecond) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("release rate must be positive and finite: " + perSecond);
        }
        this.intervalMs = Math.max(1L, Math.round(1000.0 / perSecond));
        // a timer that fires this late was not merely delayed by a busy task: the job was down
        this.toleranceMs = Math.max(5_000L, 10 * intervalMs);
    }

    /** The pacer of one of {@code parallelism} instances sharing {@code jobPerSecond}; null when not pacing. */
    public static ReleasePacer forInstance(double jobPerSecond, int parallelism) {
        return jobPerSecond > 0 ? new ReleasePacer(jobPerSecond / Math.max(1, parallelism)) : null;
    }

    /** The next free slot at or after {@code now}, taken. A slot at {@code now} means: release at once. */
    public long take(long now) {
        long slot = Math.max(now, next);
        next = slot + intervalMs;
        return slot;
    }

    /** Whether a release timer for {@code slot} firing at {@code now} is so late that the job must have been down. */
    public boolean overdue(long slot, long now) {
        return now - slot > toleranceMs;
    }

    public long intervalMs() {
        return intervalMs;
    }
}
