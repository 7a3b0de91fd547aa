package io.mailflow.model;

/**
 * What a dry run decided for one request, published to {@code topic.decisions} instead of an e-mail. Carries
 * no e-mail address.
 *
 * @param requestId the request (the same id a live run would send it under)
 * @param campaignId its campaign
 * @param variant its experiment variant
 * @param userId the recipient's user id
 * @param trigger its trigger type
 * @param decision {@code SEND} (rendered; would have been sent), {@code DEFER}, {@code DROP} or {@code HOLDOUT}
 * @param reason why it was deferred or dropped (empty otherwise)
 * @param subject for {@code SEND}: the rendered e-mail's subject; otherwise empty
 * @param at event time of the decision
 * @param until for {@code DEFER}: the event time it is deferred to; otherwise 0
 *
 * <p>Bounded like a {@link DeadLetter}: the reason and subject keep at most {@value DeadLetter#MAX_REASON_CHARS}
 * characters, every id at most 256.
 */
public record DryRunDecision(
        String requestId,
        String campaignId,
        String variant,
        String userId,
        String trigger,
        Kind decision,
        String reason,
        String subject,
        long at,
        long until) {

    public DryRunDecision {
        requestId = DeadLetter.truncate(requestId, DeadLetter.MAX_NAME_CHARS);
        campaignId = DeadLetter.truncate(campaignId, DeadLetter.MAX_NAME_CHARS);
        variant = DeadLetter.truncate(variant, DeadLetter.MAX_NAME_CHARS);
        userId = DeadLetter.truncate(userId, DeadLetter.MAX_NAME_CHARS);
        trigger = DeadLetter.truncate(trigger, DeadLetter.MAX_NAME_CHARS);
        reason = DeadLetter.truncate(reason, DeadLetter.MAX_REASON_CHARS);
        subject = DeadLetter.truncate(subject, DeadLetter.MAX_REASON_CHARS);
    }

    /** A dry run's decision; the JSON form is the name. */
    public enum Kind {
        /** Rendered; a live run would have sent it. */
        SEND,
        /** Held until {@code until}. */
        DEFER,
        /** Not sent; {@code reason} says why. */
        DROP,
        /** In the campaign's holdout: tracked, never mailed. */
        HOLDOUT
    }

    /** The decision of a guardrail event (never a release: a release becomes {@code SEND} once rendered). */
    public static DryRunDecision of(CampaignEvent e) {
        Kind k = switch (e.outcome()) {
            case DEFERRED -> Kind.DEFER;
            case DROPPED -> Kind.DROP;
            case HOLDOUT -> Kind.HOLDOUT;
            case RELEASED -> Kind.SEND;
        };
        return new DryRunDecision(
                e.requestId(),
                e.campaignId(),
                e.variant(),
                e.userId(),
                e.trigger(),
                k,
                e.reason(),
                "",
                e.at(),
                e.until());
    }

    /** A rendered e-mail that a live run would have sent. */
    public static DryRunDecision send(EmailRequest r, String subject) {
        return new DryRunDecision(
                r.requestId(),
                r.campaignId(),
                r.variant(),
                r.userId(),
                r.trigger(),
                Kind.SEND,
                "",
                subject,
                r.scheduledAt(),
                0L);
    }
}
