package io.mailflow.guardrails;

import io.mailflow.model.EmailRequest;
import io.mailflow.model.LimitAction;
import io.mailflow.model.SendRules;
import java.io.Serializable;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The guardrail rules after consent and suppression (which the profile join applies), in order:
 * <ol>
 *   <li>a request id already released is a duplicate and dropped (one trigger, one e-mail);
 *   <li>the global and the campaign's frequency cap (rolling windows) and the recipient's quiet hours:
 *       if any of them forbids sending now, the request is DEFERRED to the earliest moment all of them
 *       allow, or DROPPED if the campaign (or the job default) says {@code drop}, or if that moment is
 *       more than {@code maxDeferMs} after the request first arrived;
 *   <li>the campaign's cooldown: a send of the same campaign within the cooldown drops the request.
 * </ol>
 * Holdout releases are logged but do not count towards frequency caps (nothing was mailed); they do
 * start the cooldown, so a held-out user is not re-triggered into the campaign at once.
 */
public final class GuardrailPolicy implements Serializable {
    private static final long serialVersionUID = 1L;
    /** How long a released request id is remembered at least, to drop duplicates. */
    static final long MIN_RETENTION_MS = Duration.ofDays(1).toMillis();

    private final FrequencyCap globalCap;
    private final QuietHours quietHours;
    private final LimitAction defaultOnLimit;
    private final long maxDeferMs;
    private final boolean staleGuard;
    private final boolean dryRun;

    /** @param defaultOnLimit what to do on a limit for campaigns that do not say ({@code guardrails.on-limit}) */
    public GuardrailPolicy(FrequencyCap globalCap, QuietHours quietHours, LimitAction defaultOnLimit, long maxDeferMs) {
        this(globalCap, quietHours, defaultOnLimit, maxDeferMs, true, false);
    }

    /** @param staleGuard whether campaigns' maximum trigger age applies (not in a backfill or a dry run) */
    public GuardrailPolicy(
            FrequencyCap globalCap,
            QuietHours quietHours,
            LimitAction defaultOnLimit,
            long maxDeferMs,
            boolean staleGuard) {
        this(globalCap, quietHours, defaultOnLimit, maxDeferMs, staleGuard, false);
    }

    /** @param dryRun the whole job is a dry run: every request is decided as usual and never sent */
    public GuardrailPolicy(
            FrequencyCap globalCap,
            QuietHours quietHours,
            LimitAction defaultOnLimit,
            long maxDeferMs,
            boolean staleGuard,
            boolean dryRun) {
        this.globalCap = globalCap;
        this.quietHours = quietHours;
        this.defaultOnLimit = defaultOnLimit;
        this.maxDeferMs = maxDeferMs;
        this.staleGuard = staleGuard;
        this.dryRun = dryRun;
    }

    /** Whether the whole job is a dry run. */
    public boolean dryRun() {
        return dryRun;
    }

    /**
     * The stale-trigger guard: a request whose trigger (event time) is older than its campaign's {@code maxAge}
     * by the wall clock is not sent, so that a job catching up on a day of lag does not send day-old
     * abandoned-cart e-mails. Exempt: a backfill or a dry-run job ({@code staleGuard} false) and dry-run
     * campaigns, whose triggers are old by design.
     *
     * @param wallNow the wall clock at the decision, epoch millis
     * @return the reason to drop the request, or null if it is fresh enough
     */
    public String staleness(EmailRequest r, long wallNow) {
        SendRules rules = r.rules();
        if (!staleGuard || rules.dryRun() || rules.maxAgeMs() <= 0) {
            return null;
        }
        long age = wallNow - r.triggeredAt();
        return age > rules.maxAgeMs() ? STALE + " (older than maxAge " + minutes(rules.maxAgeMs()) + ")" : null;
    }

    /** The start of every stale-trigger drop reason. */
    public static final String STALE = "stale trigger";

    private static String minutes(long ms) {
        long min = ms / 60_000L;
        return min % 1440 == 0 ? min / 1440 + "d" : min % 60 == 0 ? min / 60 + "h" : min + "min";
    }

    /**
     * @param now event time of the decision
     * @param firstSeen event time at which the request first reached the guardrails
     * @param log the user's recent releases, oldest first
     */
    public Decision decide(EmailRequest r, ZoneId zone, long now, long firstSeen, List<SentEntry> log) {
        for (SentEntry e : log) {
            if (e.requestId().equals(r.requestId())) {
                return Decision.drop("duplicate request id");
            }
        }
        SendRules rules = r.rules();
        FrequencyCap campaignCap = new FrequencyCap(rules.campaignCapMax(), rules.campaignCapWindowMs());
        List<Long> all = new ArrayList<>();
        List<Long> mine = new ArrayList<>();
        for (SentEntry e : log) {
            if (e.counts()) {
                all.add(e.at());
                if (e.campaignId().equals(r.campaignId())) {
                    mine.add(e.at());
                }
            }
        }
        long t = now;
        String reason = "";
        // each rule can only move t later; iterate until all three agree (a few rounds at most)
        for (int round = 0; round < 16; round++) {
            long g = globalCap.nextAllowed(t, all);
            long c = campaignCap.nextAllowed(g, mine);
            long q = quietHours.nextAllowed(c, zone);
            if (reason.isEmpty()) {
                reason = g > t
                        ? "frequency cap"
                        : c > g ? "campaign frequency cap" : q > c ? "quiet hours in " + zone.getId() : "";
            }
            if (q == t) {
                break;
            }
            t = q;
        }
        if (t > now) {
            if (rules.limitAction().orElse(defaultOnLimit) == LimitAction.DROP) {
                return Decision.drop(reason);
            }
            if (t - firstSeen > maxDeferMs) {
                return Decision.drop(reason + ": next allowed moment is beyond the maximum deferral");
            }
            return Decision.defer(t, reason);
        }
        for (SentEntry e : log) {
            if (e.campaignId().equals(r.campaignId()) && e.cooldownUntil() > now) {
                return Decision.drop("cooldown of campaign " + r.campaignId());
            }
        }
        return Decision.release();
    }

    /** The log entry for a release of {@code r} at {@code at}. */
    public SentEntry entry(EmailRequest r, long at) {
        SendRules rules = r.rules();
        long keep = Math.max(
                Math.max(globalCap.windowMs(), rules.campaignCapWindowMs()),
                Math.max(rules.cooldownMs(), MIN_RETENTION_MS));
        // a dry-run release mails nobody: like a holdout, it starts its campaign's cooldown but counts towards no cap,
        // so that a campaign tried out in a dry run cannot hold back the live ones. In a dry-run job (a backtest) there
        // are no live ones: its would-be sends count as a live run's sends would, so that it decides as the live run.
        boolean mailed = !r.holdout() && (dryRun || !rules.dryRun());
        return new SentEntry(r.requestId(), r.campaignId(), at, mailed, at + rules.cooldownMs(), at + keep);
    }
}
