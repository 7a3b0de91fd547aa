package io.mailflow.feedback;

/**
 * One step of one e-mail's funnel, the common currency of attribution and campaign statistics: sends
 * (from delivery), engagement (from the engagement topic) and purchases (from the behaviour events)
 * are all turned into funnel events, put in event-time order per user by {@link AttributionFunction},
 * and leave it as de-duplicated, attributed funnel events that the statistics count.
 *
 * @param variant experiment variant, {@code default} outside experiments
 * @param holdout true for the campaign's holdout group (assigned, deliberately not e-mailed)
 * @param revenue purchase amount for {@code PURCHASE}, {@code CONVERTED} and {@code REVENUE}, else 0
 * @param at event time, epoch milliseconds
 */
public record FunnelEvent(
        Kind kind,
        String userId,
        String campaignId,
        String variant,
        boolean holdout,
        String requestId,
        String messageId,
        double revenue,
        long at) {

    /** Declared in the order in which events of the same instant are applied (a send before its open). */
    public enum Kind {
        /** Assigned to the holdout group: no e-mail, but conversions are attributed as for a send. */
        ASSIGNED,
        SENT,
        FAILED,
        DELIVERED,
        OPENED,
        MACHINE_OPENED,
        CLICKED,
        BOUNCED,
        COMPLAINED,
        UNSUBSCRIBED,
        /** Input only: a purchase, not yet attributed. */
        PURCHASE,
        /** The first purchase attributed to an e-mail (or holdout assignment). */
        CONVERTED,
        /** A further purchase attributed to an e-mail that already converted: revenue only. */
        REVENUE
    }

    public FunnelEvent withKind(Kind k, double amount) {
        return new FunnelEvent(k, userId, campaignId, variant, holdout, requestId, messageId, amount, at);
    }
}
