package io.mailflow.campaigns.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.campaigns.Exposure;
import io.mailflow.campaigns.ThompsonSampler;
import io.mailflow.campaigns.Variant;
import io.mailflow.campaigns.VariantStats;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GlobalThompsonStatsTest {
    private static final long WINDOW = 1_000;

    @Test
    void everyInstanceSamplesFromTheJobWideCountsPlusItsOwnNewest() {
        GlobalThompsonStats a = new GlobalThompsonStats(WINDOW);
        GlobalThompsonStats b = new GlobalThompsonStats(WINDOW);
        for (int i = 0; i < 3; i++) {
            a.expose("c", "A");
        }
        assertThat(a.convert(new Exposure("c", "A", 100), 200)).isTrue();
        assertThat(a.convert(new Exposure("c", "A", 100), 100 + WINDOW + 1))
                .as("after the window")
                .isFalse();
        b.expose("c", "A");
        b.expose("c", "B");
        assertThat(a.view().get("c|A")).isEqualTo(new VariantStats("c", "A", 3, 1));
        assertThat(b.view().get("c|A")).isEqualTo(new VariantStats("c", "A", 1, 0));

        // the aggregator sums the reports and broadcasts the changed totals to every instance
        Map<String, VariantStats> jobWide = new HashMap<>();
        GlobalThompsonStats.addTo(jobWide, a.drain());
        List<VariantStats> changed = GlobalThompsonStats.addTo(jobWide, b.drain());
        a.applyTotals(jobWide.values());
        b.applyTotals(jobWide.values());
        assertThat(changed)
                .containsExactlyInAnyOrder(new VariantStats("c", "A", 4, 1), new VariantStats("c", "B", 1, 0));
        assertThat(a.view()).isEqualTo(b.view());
        assertThat(a.view().get("c|A")).isEqualTo(new VariantStats("c", "A", 4, 1));

        // same counts and seed: same choice on every instance
        List<Variant> variants = List.of(new Variant("A", 1, "t", Map.of()), new Variant("B", 1, "t", Map.of()));
        for (long seed = 0; seed < 100; seed++) {
            assertThat(ThompsonSampler.choose(variants, a.view(), "c", seed))
                    .isEqualTo(ThompsonSampler.choose(variants, b.view(), "c", seed));
        }

        // a new exposure counts at once where it happened, elsewhere after the next round
        a.expose("c", "B");
        assertThat(a.view().get("c|B")).isEqualTo(new VariantStats("c", "B", 2, 0));
        assertThat(b.view().get("c|B")).isEqualTo(new VariantStats("c", "B", 1, 0));
        assertThat(a.drain()).containsExactly(new VariantStats("c", "B", 1, 0));
        assertThat(a.drain()).isEmpty();
    }

    @Test
    void aRescaleNeverCountsTwice() {
        GlobalThompsonStats a = new GlobalThompsonStats(WINDOW);
        GlobalThompsonStats b = new GlobalThompsonStats(WINDOW);
        Map<String, VariantStats> jobWide = new HashMap<>();
        a.expose("c", "A");
        GlobalThompsonStats.addTo(jobWide, a.drain()); // reported before the checkpoint
        a.expose("c", "A");
        b.expose("c", "A");
        b.convert(new Exposure("c", "A", 0), 10);

        // both instances' undrained deltas restored into one instance after scaling down
        GlobalThompsonStats merged = new GlobalThompsonStats(WINDOW);
        merged.restorePending(a.pendingSnapshot());
        merged.restorePending(b.pendingSnapshot());
        merged.applyTotals(jobWide.values());
        assertThat(merged.view().get("c|A")).isEqualTo(new VariantStats("c", "A", 3, 1));
        GlobalThompsonStats.addTo(jobWide, merged.drain());
        merged.applyTotals(jobWide.values());
        assertThat(jobWide.get("c|A")).isEqualTo(new VariantStats("c", "A", 3, 1));
        assertThat(merged.view().get("c|A")).isEqualTo(new VariantStats("c", "A", 3, 1));
    }
}
