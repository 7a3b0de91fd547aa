package io.mailflow.recommendations;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The array-based update against the plain definition: decay, add, keep the heaviest (ties by key). */
class DecayedCountsTest {
    private static final long HALF_LIFE = 3_600_000L;

    /** The definition, written as plainly as possible: a map of every key's decayed weight, sorted when capped. */
    private static Map<String, Double> reference(
            DecayedCounts c, Map<String, Double> add, long at, long halfLife, int cap) {
        long t = Math.max(at, c.updatedAt());
        Map<String, Double> m = new HashMap<>();
        for (int i = 0; i < c.keys().size(); i++) {
            m.put(c.keys().get(i), c.weights()[i] * DecayedCounts.decay(c.updatedAt(), t, halfLife));
        }
        add.forEach((k, v) -> m.merge(k, v * DecayedCounts.decay(at, t, halfLife), Double::sum));
        List<Map.Entry<String, Double>> all = new ArrayList<>(m.entrySet());
        all.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        Map<String, Double> kept = new HashMap<>();
        for (int i = 0; i < Math.min(cap, all.size()); i++) {
            kept.put(all.get(i).getKey(), all.get(i).getValue());
        }
        return kept;
    }

    private static Map<String, Double> asMap(DecayedCounts c) {
        Map<String, Double> m = new HashMap<>();
        for (int i = 0; i < c.keys().size(); i++) {
            assertThat(m.put(c.keys().get(i), c.weights()[i]))
                    .as("keys are distinct")
                    .isNull();
        }
        return m;
    }

    @Property(tries = 300)
    void updatesAgreeWithTheDefinition(
            @ForAll @IntRange(min = 1, max = 40) int cap,
            @ForAll @IntRange(min = 1, max = 30) int steps,
            @ForAll @IntRange(min = 1, max = 60) int vocabulary,
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        java.util.Random r = new java.util.Random(seed);
        DecayedCounts c = DecayedCounts.empty(1_000_000L);
        long at = 1_000_000L;
        for (int s = 0; s < steps; s++) {
            // time mostly moves forward, sometimes back (late data)
            at += r.nextInt(4) == 0 ? -r.nextInt(600_000) : r.nextInt(3_600_000);
            Map<String, Double> add = new LinkedHashMap<>();
            int n = 1 + r.nextInt(vocabulary > 50 ? 60 : 8);
            for (int i = 0; i < n; i++) {
                // integer weights make ties (broken by key) common
                add.put("i" + r.nextInt(vocabulary), (double) (1 + r.nextInt(3)));
            }
            Map<String, Double> expected = reference(c, add, at, HALF_LIFE, cap);
            c = c.add(add, at, HALF_LIFE, cap);
            assertThat(asMap(c)).isEqualTo(expected);
            assertThat(c.weights()).hasSize(c.keys().size());
            assertThat(c.keys()).hasSizeLessThanOrEqualTo(cap);
        }
    }

    @Test
    void aLargeUpdateUsesTheIndexAndStillAgrees() {
        DecayedCounts c = DecayedCounts.empty(0);
        Map<String, Double> first = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            first.put("a" + i, 1.0 + i % 7);
        }
        c = c.add(first, 0, HALF_LIFE, 100);
        Map<String, Double> second = new LinkedHashMap<>();
        for (int i = 50; i < 150; i++) {
            second.put("a" + i, 2.0);
        }
        Map<String, Double> expected = reference(c, second, HALF_LIFE, HALF_LIFE, 100);
        DecayedCounts next = c.add(second, HALF_LIFE, HALF_LIFE, 100);
        assertThat(asMap(next)).isEqualTo(expected);
        assertThat(next.updatedAt()).isEqualTo(HALF_LIFE);
        assertThat(next.weightOf("a60", HALF_LIFE, HALF_LIFE))
                .as("half of its old weight plus the new 2")
                .isEqualTo((1.0 + 60 % 7) * 0.5 + 2.0);
    }
}
