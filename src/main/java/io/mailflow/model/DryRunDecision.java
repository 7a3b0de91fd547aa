package io.mailflow.model;

import io.mailflow.privacy.PersonalDataCipher;

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
 * @param excerpt for {@code SEND}: the start of the rendered text part, links and anything shaped like an e-mail
 *     address replaced by placeholders (at most {@value #MAX_EXCERPT_CHARS} characters); otherwise empty. Added
 *     after the first dry-run release: a record without it reads as empty.
 *
 * <p>Bounded like a {@link DeadLetter}: the reason and subject keep at most {@value DeadLetter#MAX_REASON_CHARS}
 * characters, every id at most 256. With {@code privacy.encryption.enabled} the subject and excerpt are ciphertexts
 * under the user's data key ({@code mfe1.} in front, see {@link PersonalDataCipher}): they are sealed after being cut
 * to their bounds, so a ciphertext is kept whole (up to {@value #MAX_SEALED_CHARS} characters) rather than cut into
 * something that no longer opens.
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
        long until,
        String excerpt) {

    /** Longest text excerpt kept. */
    public static final int MAX_EXCERPT_CHARS = 400;

    /**
     * Longest sealed subject or excerpt kept: the base64 of the longest plain one (3 UTF-8 bytes a character at
     * most) with nonce and tag (28 bytes), plus the prefix and key id.
     */
    public static final int MAX_SEALED_CHARS = (3 * DeadLetter.MAX_REASON_CHARS + 28) * 4 / 3 + 64;

    private static final java.util.regex.Pattern LINK =
            java.util.regex.Pattern.compile("(?i)\\b(?:https?|mailto):\\S+");
    private static final java.util.regex.Pattern ADDRESS = java.util.regex.Pattern.compile("\\S+@\\S+");

    /** A decision without a text excerpt. */
    public DryRunDecision(
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
        this(requestId, campaignId, variant, userId, trigger, decision, reason, subject, at, until, "");
    }

    public DryRunDecision {
        requestId = DeadLetter.truncate(requestId, DeadLetter.MAX_NAME_CHARS);
        campaignId = DeadLetter.truncate(campaignId, DeadLetter.MAX_NAME_CHARS);
        variant = DeadLetter.truncate(variant, DeadLetter.MAX_NAME_CHARS);
        userId = DeadLetter.truncate(userId, DeadLetter.MAX_NAME_CHARS);
        trigger = DeadLetter.truncate(trigger, DeadLetter.MAX_NAME_CHARS);
        reason = DeadLetter.truncate(reason, DeadLetter.MAX_REASON_CHARS);
        subject = bound(subject, DeadLetter.MAX_REASON_CHARS);
        excerpt = excerpt == null ? "" : bound(excerpt, MAX_EXCERPT_CHARS);
    }

    private static String bound(String text, int plainMax) {
        return DeadLetter.truncate(text, PersonalDataCipher.isEncrypted(text) ? MAX_SEALED_CHARS : plainMax);
    }

    /** The same decision with another subject and excerpt (their sealed or opened form). */
    public DryRunDecision withTexts(String newSubject, String newExcerpt) {
        return new DryRunDecision(
                requestId, campaignId, variant, userId, trigger, decision, reason, newSubject, at, until, newExcerpt);
    }

    /**
     * The start of an e-mail's text part for a decision: whitespace collapsed, links (they carry signed tokens) and
     * anything shaped like an e-mail address replaced, cut to {@value #MAX_EXCERPT_CHARS} characters.
     */
    public static String excerptOf(String text) {
        if (text == null) {
            return "";
        }
        String head = text.length() > 8 * MAX_EXCERPT_CHARS ? text.substring(0, 8 * MAX_EXCERPT_CHARS) : text;
        String clean = LINK.matcher(head).replaceAll("[link]");
        clean = ADDRESS.matcher(clean).replaceAll("[address]");
        clean = clean.replaceAll("\\s+", " ").strip();
        return clean.length() > MAX_EXCERPT_CHARS ? clean.substring(0, MAX_EXCERPT_CHARS) : clean;
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
        return send(r, subject, "");
    }

    /** A rendered e-mail that a live run would have sent, with the start of its text part. */
    public static DryRunDecision send(EmailRequest r, String subject, String text) {
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
                0L,
                excerptOf(text));
    }
}
