package io.mailflow.model;

/**
 * What the guardrails did with one e-mail request: the exposure log used for lift (holdout versus
 * mailed) and to audit deferred and dropped sends. Carries no e-mail address.
 *
 * @param requestId the request
 * @param campaignId its campaign
 * @param variant its experiment variant
 * @param userId the user
 * @param trigger its trigger type
 * @param outcome {@code RELEASED} (passed on to rendering), {@code HOLDOUT} (would have been released; not
 *     mailed), {@code DEFERRED}, or {@code DROPPED}
 * @param reason why it was deferred or dropped (empty otherwise)
 * @param at event time of the decision
 * @param until for {@code DEFERRED}: the event time it is deferred to; otherwise 0
 * @param dryRun the request belongs to a dry run (a dry-run campaign or job): nothing is sent
 * @param uplift the request's uplift targeting decision (outcome, predicted uplift, model version, propensity), or
 *     null for campaigns without uplift targeting (added with issue 16)
 *
 * <p>Bounded like a {@link DeadLetter}: the reason keeps at most {@value DeadLetter#MAX_REASON_CHARS} characters,
 * every id at most 256, cut ones ending in {@value DeadLetter#TRUNCATED}.
 */
public record CampaignEvent(
        String requestId,
        String campaignId,
        String variant,
        String userId,
        String trigger,
        Outcome outcome,
        String reason,
        long at,
        long until,
        boolean dryRun,
        UpliftDecision uplift) {

    /** An event without an uplift decision (campaigns without uplift targeting; as before it existed). */
    public CampaignEvent(
            String requestId,
            String campaignId,
            String variant,
            String userId,
            String trigger,
            Outcome outcome,
            String reason,
            long at,
            long until,
            boolean dryRun) {
        this(requestId, campaignId, variant, userId, trigger, outcome, reason, at, until, dryRun, null);
    }

    /** An event of a live request. */
    public CampaignEvent(
            String requestId,
            String campaignId,
            String variant,
            String userId,
            String trigger,
            Outcome outcome,
            String reason,
            long at,
            long until) {
        this(requestId, campaignId, variant, userId, trigger, outcome, reason, at, until, false);
    }

    public CampaignEvent {
        requestId = DeadLetter.truncate(requestId, DeadLetter.MAX_NAME_CHARS);
        campaignId = DeadLetter.truncate(campaignId, DeadLetter.MAX_NAME_CHARS);
        variant = DeadLetter.truncate(variant, DeadLetter.MAX_NAME_CHARS);
        userId = DeadLetter.truncate(userId, DeadLetter.MAX_NAME_CHARS);
        trigger = DeadLetter.truncate(trigger, DeadLetter.MAX_NAME_CHARS);
        reason = DeadLetter.truncate(reason, DeadLetter.MAX_REASON_CHARS);
    }

    /** What the guardrails did with a request; the JSON form is the name. */
    public enum Outcome {
        /** Sent on to rendering and delivery. */
        RELEASED,
        /** Released as a holdout: tracked, not mailed. */
        HOLDOUT,
        /** Held until {@code until}. */
        DEFERRED,
        /** Not sent; {@code reason} says why. */
        DROPPED
    }

    // Short names for the outcomes, as the guardrails write them.
    public static final Outcome RELEASED = Outcome.RELEASED;
    public static final Outcome HOLDOUT = Outcome.HOLDOUT;
    public static final Outcome DEFERRED = Outcome.DEFERRED;
    public static final Outcome DROPPED = Outcome.DROPPED;

    public static CampaignEvent of(EmailRequest r, Outcome outcome, String reason, long at, long until) {
        return new CampaignEvent(
                r.requestId(),
                r.campaignId(),
                r.variant(),
                r.userId(),
                r.trigger(),
                outcome,
                reason,
                at,
                until,
                r.rules() != null && r.rules().dryRun(),
                r.uplift());
    }
}
