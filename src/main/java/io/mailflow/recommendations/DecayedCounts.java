package io.mailflow.recommendations;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exponentially decayed counts of at most a few keys, heaviest kept: the building block of the
 * co-occurrence and top-items models. Immutable; every update returns a new value (it lives in state).
 *
 * @param keys the counted keys
 * @param weights their decayed counts as of {@code updatedAt}, same order
 * @param updatedAt event time the weights are decayed to
 */
public record DecayedCounts(List<String> keys, double[] weights, long updatedAt) {

    public static DecayedCounts empty(long at) {
        return new DecayedCounts(List.of(), new double[0], at);
    }

    /** 0.5^(elapsed / halfLife); 1 if time went backwards (late data is counted without bonus). */
    public static double decay(long fromMs, long toMs, long halfLifeMs) {
        return toMs <= fromMs ? 1.0 : Math.pow(0.5, (double) (toMs - fromMs) / halfLifeMs);
    }

    public double weightOf(String key, long at, long halfLifeMs) {
        int i = keys.indexOf(key);
        return i < 0 ? 0.0 : weights[i] * decay(updatedAt, at, halfLifeMs);
    }

    /** Decays to {@code at}, adds {@code amount} to each of {@code add}, keeps the {@code cap} heaviest. */
    public DecayedCounts add(Map<String, Double> add, long at, long halfLifeMs, int cap) {
        long t = Math.max(at, updatedAt);
        double f = decay(updatedAt, t, halfLifeMs);
        Map<String, Double> m = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            m.put(keys.get(i), weights[i] * f);
        }
        double g = decay(at, t, halfLifeMs);
        add.forEach((k, v) -> m.merge(k, v * g, Double::sum));
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(m.entrySet());
        // Sorting on every update was the largest cost of the whole job in a profile (the trainer runs at
        // parallelism 1): sort only when the cap forces a choice; top() orders the published lists.
        if (sorted.size() > cap) {
            sorted.sort(HEAVIEST_FIRST);
        }
        int n = Math.min(cap, sorted.size());
        List<String> k = new ArrayList<>(n);
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            k.add(sorted.get(i).getKey());
            w[i] = sorted.get(i).getValue();
        }
        return new DecayedCounts(k, w, t);
    }

    /** The {@code n} heaviest keys as a published list. */
    public RecoList top(String listKey, int n, long version, long asOf) {
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            sorted.add(Map.entry(keys.get(i), weights[i]));
        }
        sorted.sort(HEAVIEST_FIRST);
        int m = Math.min(n, sorted.size());
        List<String> k = new ArrayList<>(m);
        double[] w = new double[m];
        for (int i = 0; i < m; i++) {
            k.add(sorted.get(i).getKey());
            w[i] = sorted.get(i).getValue();
        }
        return new RecoList(listKey, List.copyOf(k), w, version, asOf);
    }

    /** Heaviest first; ties broken by key so that results do not depend on hash order (replays are reproducible). */
    private static final java.util.Comparator<Map.Entry<String, Double>> HEAVIEST_FIRST =
            Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey());
}
