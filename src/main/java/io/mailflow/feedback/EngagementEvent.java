package io.mailflow.feedback;

/**
 * One validated engagement event (schema in docs/events.md, "Engagement events"). Created only by
 * {@link EngagementValidator}, so every field obeys the documented rules; optional fields are null.
 *
 * @param requestId the request the e-mail was sent for (null when only {@code messageId} is known)
 * @param messageId the e-mail's Message-ID (null when only {@code requestId} is known)
 * @param variant the experiment variant, if the reporter knows it (attribution prefers the send's)
 * @param machine true for opens that a machine made (mailbox prefetch, security scanner), not a person
 * @param hardBounce for {@code BOUNCED}: a permanent failure (hard bounce) rather than a temporary one
 * @param timestamp event time, epoch milliseconds
 */
public record EngagementEvent(
        String eventId,
        EngagementType type,
        String userId,
        String campaignId,
        String variant,
        String requestId,
        String messageId,
        String url,
        boolean machine,
        boolean hardBounce,
        long timestamp) {

    /** The id the funnel keys a message by: the request id when present, else the Message-ID. */
    public String messageKey() {
        return requestId != null ? requestId : messageId;
    }
}
