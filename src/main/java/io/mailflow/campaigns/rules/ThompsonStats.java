package io.mailflow.campaigns.rules;

import io.mailflow.campaigns.Exposure;
import io.mailflow.campaigns.VariantStats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Thompson-sampling counts of one parallel instance of the trigger operator: exposures per variant
 * when a request is created, conversions when the exposed user purchases within the attribution window.
 * The operator keeps them in operator state as a list of {@link VariantStats}; after a rescale, the
 * lists of several instances are merged by summing.
 */
public final class ThompsonStats implements BanditCounts {
    private final Map<String, VariantStats> stats = new HashMap<>();
    private final long attributionWindowMs;

    public ThompsonStats(long attributionWindowMs) {
        this.attributionWindowMs = attributionWindowMs;
    }

    /** Adds restored counts, summing those of the same variant. */
    public void restore(Iterable<VariantStats> restored) {
        for (VariantStats s : restored) {
            stats.merge(
                    s.key(),
                    s,
                    (a, b) -> new VariantStats(
                            a.campaignId(),
                            a.variant(),
                            a.exposures() + b.exposures(),
                            a.conversions() + b.conversions()));
        }
    }

    @Override
    public void expose(String campaignId, String variant) {
        VariantStats s = get(campaignId, variant);
        stats.put(s.key(), new VariantStats(campaignId, variant, s.exposures() + 1, s.conversions()));
    }

    @Override
    public boolean convert(Exposure x, long t) {
        if (x == null || t <= x.at() || t > x.at() + attributionWindowMs) {
            return false;
        }
        VariantStats s = get(x.campaignId(), x.variant());
        stats.put(s.key(), new VariantStats(s.campaignId(), s.variant(), s.exposures(), s.conversions() + 1));
        return true;
    }

    @Override
    public Map<String, VariantStats> view() {
        return Collections.unmodifiableMap(stats);
    }

    /** The counts to store in operator state. */
    public List<VariantStats> snapshot() {
        return new ArrayList<>(stats.values());
    }

    private VariantStats get(String campaignId, String variant) {
        return stats.getOrDefault(campaignId + "|" + variant, new VariantStats(campaignId, variant, 0, 0));
    }
}
