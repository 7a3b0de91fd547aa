package io.mailflow.model;

/**
 * A fully rendered e-mail, ready to hand to an SMTP server.
 *
 * @param variant the experiment variant the e-mail belongs to ({@code default} outside experiments)
 * @param listUnsubscribe value of the List-Unsubscribe header (mailto and https, RFC 2369/8058)
 */
public record RenderedEmail(
        String requestId,
        String messageId,
        String campaignId,
        String variant,
        String userId,
        String toAddress,
        String toName,
        String subject,
        String html,
        String text,
        String listUnsubscribe,
        long triggeredAt) {}
