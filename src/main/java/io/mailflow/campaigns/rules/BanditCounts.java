package io.mailflow.campaigns.rules;

import io.mailflow.campaigns.Exposure;
import io.mailflow.campaigns.VariantStats;
import java.util.Map;

/**
 * The exposure and conversion counts a Thompson-sampled campaign decides by, as one trigger instance sees them:
 * {@link ThompsonStats} (this instance's own counts, {@code topic.variant-stats} empty) or
 * {@link GlobalThompsonStats} (job-wide totals plus this instance's unreported deltas).
 */
public interface BanditCounts {
    /** Counts a request of {@code variant}. */
    void expose(String campaignId, String variant);

    /**
     * Counts a purchase at {@code t} as the conversion of exposure {@code x} if it falls in its attribution window
     * (after the request, at most the window later).
     *
     * @return whether it converted, and the exposure is done
     */
    boolean convert(Exposure x, long t);

    /** The counts the sampler uses, by {@link VariantStats#key()}. */
    Map<String, VariantStats> view();
}
