package io.mailflow.model;

/**
 * What happened to a campaign definition, published to {@code topic.campaign-status}.
 *
 * @param campaignId the campaign ({@code ?} if the document had no usable id)
 * @param version the definition's version (0 if unknown)
 * @param status {@code REJECTED} (invalid; {@code reason} says why), {@code ACTIVE}, {@code PAUSED} or
 *     {@code DELETED} (applied to the running job), or {@code STALE} (ignored: a newer version is in force);
 *     the JSON form is the name
 * @param reason why it was rejected or ignored (empty otherwise)
 * @param source control-topic coordinates or file name
 * @param at processing time, epoch millis
 * @param instance the parallel trigger instance that applied it: every instance reports, so a caller can
 *     tell when the whole job runs the new definition; -1 for a rejection by the parser
 * @param dryRun the definition is a dry run ({@code dryRun: true}): it decides, and sends nothing
 *
 * <p>Bounded like a {@link DeadLetter}: the reason (one error per unknown field of a hostile document can be
 * long) keeps at most {@value DeadLetter#MAX_REASON_CHARS} characters, the id and source at most 256, cut ones
 * ending in {@value DeadLetter#TRUNCATED}; no status record can exceed the producer's maximum request size.
 */
public record CampaignStatus(
        String campaignId,
        long version,
        State status,
        String reason,
        String source,
        long at,
        int instance,
        boolean dryRun) {

    /** The status of a live (not dry-run) definition, or of a rejected document. */
    public CampaignStatus(
            String campaignId, long version, State status, String reason, String source, long at, int instance) {
        this(campaignId, version, status, reason, source, at, instance, false);
    }

    public CampaignStatus {
        campaignId = DeadLetter.truncate(campaignId, DeadLetter.MAX_NAME_CHARS);
        reason = DeadLetter.truncate(reason, DeadLetter.MAX_REASON_CHARS);
        source = DeadLetter.truncate(source, DeadLetter.MAX_NAME_CHARS);
    }

    /** What became of a definition. */
    public enum State {
        ACTIVE,
        PAUSED,
        DELETED,
        /** Ignored: a newer version is in force. */
        STALE,
        /** Invalid. */
        REJECTED
    }

    public static final State REJECTED = State.REJECTED;
    public static final State STALE = State.STALE;
}
