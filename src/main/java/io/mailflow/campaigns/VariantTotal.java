package io.mailflow.campaigns;

/**
 * The job-wide counts of one campaign variant, summed by the variant aggregator over the deltas every trigger
 * instance reports, and written to the compacted {@code topic.variant-stats} (keyed by {@link #key()}). Holds no
 * personal data: a campaign, a variant and two counts.
 *
 * @param version counts the aggregator's updates of this variant (1 for the first): a reader keeps the highest
 *     version it has seen, so a total written twice or read again after a restore changes nothing
 */
public record VariantTotal(String campaignId, String variant, long exposures, long conversions, long version) {

    public String key() {
        return campaignId + "|" + variant;
    }

    /** The counts, for the sampler. */
    public VariantStats stats() {
        return new VariantStats(campaignId, variant, exposures, conversions);
    }

    /** The total after adding one reported delta of the same variant (the next version). */
    public VariantTotal plus(VariantStats delta) {
        return new VariantTotal(
                campaignId, variant, exposures + delta.exposures(), conversions + delta.conversions(), version + 1);
    }

    /** Before any report: no counts, version 0. */
    public static VariantTotal none(String campaignId, String variant) {
        return new VariantTotal(campaignId, variant, 0, 0, 0);
    }
}
