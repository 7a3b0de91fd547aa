package io.mailflow.campaigns.rules;

import io.mailflow.campaigns.Exposure;
import io.mailflow.campaigns.VariantStats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Job-wide Thompson-sampling counts (issue 16; Flink-free; the trigger operator's counts when
 * {@code topic.variant-stats} is set, see {@code TriggerFunction} and docs/campaigns.md). Each parallel
 * instance counts its own exposures and conversions as <em>deltas</em> (like {@link ThompsonStats}), hands them
 * out with {@link #drain()} to be summed per campaign by an aggregator ({@link #addTo}), and receives the job-wide
 * totals back ({@link #applyTotals}). The sampler sees {@link #view()}: the latest totals plus the deltas this
 * instance has not handed out yet, so its own counts since the last report are never missing. Counts handed out
 * (its own and every other instance's) show in the view once the aggregator's totals come back: one report
 * interval plus one round trip through the totals topic (the bounded staleness; until then this instance's
 * drained deltas are missing from its view, never counted twice).
 *
 * <p>Deltas make a rescale safe: a restored instance's undrained deltas (operator list state) are disjoint from
 * every other's and from the totals, so redistributing or summing them never counts anything twice, unlike
 * per-instance cumulative counts. Exactly-once checkpoints keep drained deltas and the aggregator's totals
 * consistent.
 */
public final class GlobalThompsonStats implements BanditCounts {
    private final long attributionWindowMs;
    private final Map<String, VariantStats> totals = new HashMap<>();
    private final Map<String, VariantStats> pending = new HashMap<>();

    public GlobalThompsonStats(long attributionWindowMs) {
        this.attributionWindowMs = attributionWindowMs;
    }

    @Override
    public void expose(String campaignId, String variant) {
        pending.merge(key(campaignId, variant), new VariantStats(campaignId, variant, 1, 0), GlobalThompsonStats::sum);
    }

    @Override
    public boolean convert(Exposure x, long t) {
        if (x == null || t <= x.at() || t > x.at() + attributionWindowMs) {
            return false;
        }
        pending.merge(
                key(x.campaignId(), x.variant()),
                new VariantStats(x.campaignId(), x.variant(), 0, 1),
                GlobalThompsonStats::sum);
        return true;
    }

    /** The deltas counted since the last drain, to report to the aggregator; they then count in the totals only. */
    public List<VariantStats> drain() {
        List<VariantStats> out = new ArrayList<>(pending.values());
        pending.clear();
        return out;
    }

    /** Replaces the job-wide totals of the variants given (a broadcast from the aggregator). */
    public void applyTotals(Iterable<VariantStats> jobWide) {
        for (VariantStats s : jobWide) {
            totals.put(s.key(), s);
        }
    }

    /** Undrained deltas restored from operator state (summed; after a rescale an instance may get several lists). */
    public void restorePending(Iterable<VariantStats> restored) {
        for (VariantStats s : restored) {
            pending.merge(s.key(), s, GlobalThompsonStats::sum);
        }
    }

    /** The undrained deltas, for operator state. */
    public List<VariantStats> pendingSnapshot() {
        return new ArrayList<>(pending.values());
    }

    /** What the sampler uses: job-wide totals plus this instance's undrained deltas, by {@link VariantStats#key()}. */
    @Override
    public Map<String, VariantStats> view() {
        Map<String, VariantStats> v = new HashMap<>(totals);
        pending.forEach((k, s) -> v.merge(k, s, GlobalThompsonStats::sum));
        return Collections.unmodifiableMap(v);
    }

    /** The aggregator's step: job-wide totals (by key) after adding reported deltas; returns the changed totals. */
    public static List<VariantStats> addTo(Map<String, VariantStats> jobWide, Iterable<VariantStats> deltas) {
        List<VariantStats> changed = new ArrayList<>();
        for (VariantStats d : deltas) {
            changed.add(jobWide.merge(d.key(), d, GlobalThompsonStats::sum));
        }
        return changed;
    }

    private static VariantStats sum(VariantStats a, VariantStats b) {
        return new VariantStats(
                a.campaignId(), a.variant(), a.exposures() + b.exposures(), a.conversions() + b.conversions());
    }

    private static String key(String campaignId, String variant) {
        return campaignId + "|" + variant;
    }
}
