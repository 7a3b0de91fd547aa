package io.mailflow.campaigns.schedule;

/**
 * The throttled ramp of a scheduled campaign: how many e-mails one parallel instance may start at one tick.
 * The job's rate per minute is split over the instances (the remainder to the first ones, so the shares add up
 * to the rate exactly), and a tick grants at most one minute's share however long ago the last one was: after a
 * stall (a watermark jumping ahead, a restart) the ramp resumes at its rate instead of bursting.
 */
public final class Ramp {
    /** The tick period: ramps are in e-mails per minute. */
    public static final long TICK_MS = 60_000L;

    private Ramp() {}

    /** The share of instance {@code index} of {@code parallelism} in {@code perMinute}. */
    public static long share(long perMinute, int index, int parallelism) {
        int p = Math.max(1, parallelism);
        return perMinute / p + (index < perMinute % p ? 1 : 0);
    }

    /**
     * E-mails instance {@code index} may start at the tick {@code now}, the previous one having been at {@code
     * previous} ({@code Long.MIN_VALUE}: none since the start).
     */
    public static long budget(long perMinute, int index, int parallelism, long previous, long now) {
        if (previous != Long.MIN_VALUE && now <= previous) {
            return 0;
        }
        return share(perMinute, index, parallelism);
    }
}
