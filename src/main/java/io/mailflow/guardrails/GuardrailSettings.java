package io.mailflow.guardrails;

import io.mailflow.model.LimitAction;
import java.io.Serializable;
import java.time.Duration;

/**
 * The job-wide guardrails; campaigns may add their own caps and cooldowns (see {@code SendRules}).
 *
 * @param maxPerUser most e-mails per user within {@code capWindow}, over all campaigns
 * @param capWindow rolling window of the frequency cap
 * @param quietStart start of the quiet hours in the recipient's zone, since midnight
 * @param quietEnd end of the quiet hours, since midnight (equal to the start: no quiet hours)
 * @param onLimit what to do with a send that is not allowed now, unless its campaign says otherwise
 * @param maxDefer a deferred send is dropped when it would wait longer than this
 * @param staleGuard whether campaigns' {@code maxAge} applies: false in a backfill (a bounded job) and a dry run,
 *     whose triggers are old by design
 * @param clock the wall clock a trigger's age is measured with
 * @param dryRun the whole job is a dry run: every request is marked so, and the renderer diverts it to the decisions
 * @param releaseRate released e-mails per second for the whole job, paced in processing time (the relay's rate
 *     limit), so that a burst waits in this operator's state rather than in the network buffers in front of the
 *     sender, where it would hold up checkpoints; 0: released at once (no relay limit, or a bounded job)
 */
public record GuardrailSettings(
        int maxPerUser,
        Duration capWindow,
        Duration quietStart,
        Duration quietEnd,
        LimitAction onLimit,
        Duration maxDefer,
        boolean staleGuard,
        WallClock clock,
        boolean dryRun,
        double releaseRate)
        implements Serializable {

    /** Settings without release pacing. */
    public GuardrailSettings(
            int maxPerUser,
            Duration capWindow,
            Duration quietStart,
            Duration quietEnd,
            LimitAction onLimit,
            Duration maxDefer,
            boolean staleGuard,
            WallClock clock,
            boolean dryRun) {
        this(maxPerUser, capWindow, quietStart, quietEnd, onLimit, maxDefer, staleGuard, clock, dryRun, 0);
    }

    /** Live settings: the stale-trigger guard on, the system clock. */
    public GuardrailSettings(
            int maxPerUser,
            Duration capWindow,
            Duration quietStart,
            Duration quietEnd,
            LimitAction onLimit,
            Duration maxDefer) {
        this(maxPerUser, capWindow, quietStart, quietEnd, onLimit, maxDefer, true, WallClock.SYSTEM, false);
    }

    /** These settings with another wall clock (tests run at fixed instants). */
    public GuardrailSettings withClock(WallClock c) {
        return new GuardrailSettings(
                maxPerUser, capWindow, quietStart, quietEnd, onLimit, maxDefer, staleGuard, c, dryRun, releaseRate);
    }
}
