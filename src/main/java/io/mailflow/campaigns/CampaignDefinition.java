package io.mailflow.campaigns;

import java.util.List;

/**
 * A validated campaign (see docs/campaigns.md for the document schema). Immutable; a change is a new
 * definition with a higher {@code version}. Lives in broadcast state of the trigger operator.
 *
 * @param id unique id, also the control-topic key
 * @param version monotonically increasing; an update with a lower version than the current one is ignored
 * @param status {@code active}, {@code paused} or {@code deleted}
 * @param name human-readable name
 * @param priority higher wins when deferred sends compete for the same moment
 * @param trigger the trigger and its parameters
 * @param audience who may be e-mailed
 * @param variants experiment arms (at least one)
 * @param selection {@code hash} (deterministic by user and campaign) or {@code thompson} (bandit on conversions)
 * @param holdoutPercent share of triggered users held out (tracked, not mailed), in [0, 100)
 * @param cooldownMs after a send, the same user gets no further e-mail of this campaign for this long
 * @param capMax most e-mails of this campaign per user within {@code capWindowMs} (0: none)
 * @param capWindowMs rolling window of {@code capMax}
 * @param onLimit {@code defer}, {@code drop}, or empty for the job default
 * @param activeFrom event time from which it may trigger, inclusive (epoch millis; 0: always)
 * @param activeUntil event time until which it may trigger, exclusive (Long.MAX_VALUE: forever)
 */
public record CampaignDefinition(
        String id,
        long version,
        String status,
        String name,
        int priority,
        TriggerSpec trigger,
        Audience audience,
        List<Variant> variants,
        String selection,
        double holdoutPercent,
        long cooldownMs,
        int capMax,
        long capWindowMs,
        String onLimit,
        long activeFrom,
        long activeUntil) implements java.io.Serializable {

    public static final String ACTIVE = "active";
    public static final String PAUSED = "paused";
    public static final String DELETED = "deleted";

    /** Active and within its active period at event time {@code t}. */
    public boolean liveAt(long t) {
        return ACTIVE.equals(status) && t >= activeFrom && t < activeUntil;
    }

    public boolean thompson() {
        return "thompson".equals(selection);
    }
}
