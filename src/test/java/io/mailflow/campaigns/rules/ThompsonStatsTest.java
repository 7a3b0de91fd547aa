package io.mailflow.campaigns.rules;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_HOUR;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.campaigns.Exposure;
import io.mailflow.campaigns.VariantStats;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThompsonStatsTest {
    static final long WINDOW = 24 * ONE_HOUR;
    final ThompsonStats stats = new ThompsonStats(WINDOW);

    @Test
    void exposuresAndConversionsWithinTheAttributionWindowAreCounted() {
        stats.expose("c", "A");
        stats.expose("c", "A");
        stats.expose("c", "B");
        Exposure x = new Exposure("c", "A", BEGINNING);
        assertThat(stats.convert(x, BEGINNING)).as("not after the request").isFalse();
        assertThat(stats.convert(x, BEGINNING + WINDOW + 1))
                .as("after the window")
                .isFalse();
        assertThat(stats.convert(null, BEGINNING)).isFalse();
        assertThat(stats.convert(x, BEGINNING + WINDOW)).isTrue();
        assertThat(stats.view())
                .containsEntry("c|A", new VariantStats("c", "A", 2, 1))
                .containsEntry("c|B", new VariantStats("c", "B", 1, 0));
    }

    @Test
    void restoredCountsOfSeveralInstancesAreSummed() {
        stats.restore(List.of(
                new VariantStats("c", "A", 3, 1), new VariantStats("c", "A", 2, 2), new VariantStats("c", "B", 1, 0)));
        assertThat(stats.snapshot())
                .containsExactlyInAnyOrder(new VariantStats("c", "A", 5, 3), new VariantStats("c", "B", 1, 0));
    }
}
