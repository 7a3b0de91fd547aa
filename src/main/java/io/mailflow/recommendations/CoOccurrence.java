package io.mailflow.recommendations;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Item-to-item co-occurrence within sessions, the math only (no Flink).
 *
 * <p>Each session contributes, for every pair of distinct items in it, {@code 1 / (n - 1)} to their
 * co-occurrence count ({@code n} items in the session), so that one long browsing session does not
 * outweigh many short focused ones. Counts decay exponentially in event time with {@code halfLifeMs},
 * and each item keeps only its {@code maxCandidates} heaviest partners (bounded state). The published
 * neighbours are ranked by cosine similarity {@code c(i,j) / sqrt(w(i) w(j))}, which keeps a handful of
 * best-sellers from being every item's neighbour.
 */
public final class CoOccurrence implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long halfLifeMs;
    private final int maxCandidates;

    public CoOccurrence(long halfLifeMs, int maxCandidates) {
        this.halfLifeMs = halfLifeMs;
        this.maxCandidates = maxCandidates;
    }

    public long halfLifeMs() {
        return halfLifeMs;
    }

    /** The distinct items of a session in first-seen order, at most {@code max}. */
    public static List<String> distinct(Collection<String> items, int max) {
        List<String> out = new ArrayList<>(new LinkedHashSet<>(items));
        return out.size() > max ? out.subList(out.size() - max, out.size()) : out;
    }

    /** {@code current} (null for a new item) updated with one session containing {@code item} and {@code sessionItems}. */
    public ItemCounts observe(ItemCounts current, String item, List<String> sessionItems, long at) {
        ItemCounts c = current != null ? current : new ItemCounts(item, 0.0, at, DecayedCounts.empty(at));
        long t = Math.max(at, c.weightAt());
        double weight =
                c.weight() * DecayedCounts.decay(c.weightAt(), t, halfLifeMs) + DecayedCounts.decay(at, t, halfLifeMs);
        Map<String, Double> add = new LinkedHashMap<>();
        int n = sessionItems.size();
        if (n > 1) {
            for (String other : sessionItems) {
                if (!other.equals(item)) {
                    add.put(other, 1.0 / (n - 1));
                }
            }
        }
        DecayedCounts co = add.isEmpty() ? c.coCounts() : c.coCounts().add(add, at, halfLifeMs, maxCandidates);
        return new ItemCounts(item, weight, t, co);
    }

    /**
     * The {@code k} nearest neighbours of {@code counts} by cosine similarity as of {@code at}.
     *
     * @param weightOf the decayed session count of another item as of {@code at} (0 if unknown)
     */
    public RecoList neighbours(ItemCounts counts, ToDoubleFunction<String> weightOf, int k, long version, long at) {
        double wi = counts.weight() * DecayedCounts.decay(counts.weightAt(), at, halfLifeMs);
        DecayedCounts co = counts.coCounts();
        double f = DecayedCounts.decay(co.updatedAt(), at, halfLifeMs);
        List<Map.Entry<String, Double>> scored = new ArrayList<>();
        for (int j = 0; j < co.keys().size(); j++) {
            double wj = weightOf.applyAsDouble(co.keys().get(j));
            if (wi > 0 && wj > 0) {
                scored.add(Map.entry(co.keys().get(j), co.weights()[j] * f / Math.sqrt(wi * wj)));
            }
        }
        scored.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        int m = Math.min(k, scored.size());
        List<String> items = new ArrayList<>(m);
        double[] scores = new double[m];
        for (int j = 0; j < m; j++) {
            items.add(scored.get(j).getKey());
            scores[j] = scored.get(j).getValue();
        }
        return new RecoList(RecoList.itemKey(counts.itemId()), items, scores, version, at);
    }

    /** Weight of an item's own session count decayed to {@code at}. */
    public double weightAt(ItemCounts counts, long at) {
        return counts == null ? 0.0 : counts.weight() * DecayedCounts.decay(counts.weightAt(), at, halfLifeMs);
    }
}
