package io.mailflow.feedback;

/**
 * What happened to a sent e-mail, as reported by the mail provider's webhooks or Mailflow's own
 * tracking endpoints (open pixel, click redirect, one-click unsubscribe). The wire form is the
 * constant's name.
 */
public enum EngagementType {
    /** The receiving server accepted the message (provider webhook). */
    DELIVERED,
    /** The open pixel was fetched; see {@code machine} for prefetches and scanners. */
    OPENED,
    /** A tracked link was followed. */
    CLICKED,
    /** The message bounced; a hard bounce suppresses the address. */
    BOUNCED,
    /** The recipient marked the message as spam (feedback loop). */
    COMPLAINED,
    /** One-click unsubscribe (RFC 8058 POST), a mailto: unsubscribe or the preference page. */
    UNSUBSCRIBED
}
