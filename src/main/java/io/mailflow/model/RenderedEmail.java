package io.mailflow.model;

/** A fully rendered e-mail, ready to hand to an SMTP server. */
public record RenderedEmail(
        String requestId,
        String messageId,
        String campaignId,
        String userId,
        String toAddress,
        String toName,
        String subject,
        String html,
        String text,
        long triggeredAt) {}
