package io.mailflow.campaigns;

/**
 * Observed outcomes of one variant on one parallel instance of the trigger operator (operator state).
 *
 * @param campaignId the campaign
 * @param variant the variant id
 * @param exposures requests created for it (holdout excluded)
 * @param conversions of those, users who purchased within the attribution window
 */
public record VariantStats(String campaignId, String variant, long exposures, long conversions) {

    public String key() {
        return campaignId + "|" + variant;
    }
}
