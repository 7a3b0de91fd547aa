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
 */
public record CampaignEvent(
        String requestId,
        String campaignId,
        String variant,
        String userId,
        String trigger,
        String outcome,
        String reason,
        long at,
        long until) {

    public static final String RELEASED = "RELEASED";
    public static final String HOLDOUT = "HOLDOUT";
    public static final String DEFERRED = "DEFERRED";
    public static final String DROPPED = "DROPPED";

    public static CampaignEvent of(EmailRequest r, String outcome, String reason, long at, long until) {
        return new CampaignEvent(r.requestId(), r.campaignId(), r.variant(), r.userId(), r.trigger(), outcome, reason, at, until);
    }
}
