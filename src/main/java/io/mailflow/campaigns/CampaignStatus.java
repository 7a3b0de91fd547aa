package io.mailflow.campaigns;

/**
 * What happened to a campaign definition, published to {@code topic.campaign-status}.
 *
 * @param campaignId the campaign ({@code ?} if the document had no usable id)
 * @param version the definition's version (0 if unknown)
 * @param status {@code REJECTED} (invalid; {@code reason} says why), {@code ACTIVE}, {@code PAUSED} or
 *     {@code DELETED} (applied to the running job), or {@code STALE} (ignored: a newer version is in force)
 * @param reason why it was rejected or ignored (empty otherwise)
 * @param source control-topic coordinates or file name
 * @param at processing time, epoch millis
 */
public record CampaignStatus(String campaignId, long version, String status, String reason, String source, long at) {

    public static final String REJECTED = "REJECTED";
    public static final String STALE = "STALE";
}
