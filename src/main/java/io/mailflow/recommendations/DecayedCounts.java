package io.mailflow.recommendations;

import java.util.ArrayList;
import java.util.Arrays;
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

    /**
     * Decays to {@code at}, adds {@code amount} to each of {@code add}, keeps the {@code cap} heaviest (ties by key).
     * The kept keys come in no particular order; {@link #top} orders the published lists.
     */
    public DecayedCounts add(Map<String, Double> add, long at, long halfLifeMs, int cap) {
        long t = Math.max(at, updatedAt);
        double f = decay(updatedAt, t, halfLifeMs);
        double g = decay(at, t, halfLifeMs);
        int known = keys.size();
        // arrays, not a map rebuilt and sorted per update: with a global trainer at parallelism 1, these updates
        // were a tenth of the whole job's CPU (issue 18); a lookup index only when linear scans would cost more
        String[] k = new String[known + add.size()];
        double[] w = new double[k.length];
        for (int i = 0; i < known; i++) {
            k[i] = keys.get(i);
            w[i] = weights[i] * f;
        }
        Map<String, Integer> index = null;
        if ((long) known * add.size() > INDEX_ABOVE) {
            index = new HashMap<>(known * 2);
            for (int i = 0; i < known; i++) {
                index.put(k[i], i);
            }
        }
        int n = known;
        for (Map.Entry<String, Double> e : add.entrySet()) {
            int i = index != null ? index.getOrDefault(e.getKey(), -1) : indexOf(k, known, e.getKey());
            if (i >= 0) {
                w[i] += e.getValue() * g;
            } else {
                k[n] = e.getKey();
                w[n] = e.getValue() * g;
                n++;
            }
        }
        if (n > cap && n - cap <= DROP_BY_SCAN) {
            // a full list that gained a few keys: drop the lightest one by one (the common case once full)
            while (n > cap) {
                int lightest = 0;
                for (int i = 1; i < n; i++) {
                    if (lighter(w[i], k[i], w[lightest], k[lightest])) {
                        lightest = i;
                    }
                }
                n--;
                k[lightest] = k[n];
                w[lightest] = w[n];
            }
        } else if (n > cap) {
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(
                    order, (a, b) -> lighter(w[a], k[a], w[b], k[b]) ? 1 : lighter(w[b], k[b], w[a], k[a]) ? -1 : 0);
            List<String> kept = new ArrayList<>(cap);
            double[] keptWeights = new double[cap];
            for (int i = 0; i < cap; i++) {
                kept.add(k[order[i]]);
                keptWeights[i] = w[order[i]];
            }
            return new DecayedCounts(kept, keptWeights, t);
        }
        return new DecayedCounts(new ArrayList<>(Arrays.asList(k).subList(0, n)), Arrays.copyOf(w, n), t);
    }

    /** Above this many key comparisons an update builds a lookup index instead of scanning. */
    private static final long INDEX_ABOVE = 2_048;
    /** Up to this many surplus keys are dropped by repeated scans, more by one sort. */
    private static final int DROP_BY_SCAN = 8;

    /** The order of {@link #top}, reversed: lower weight, or the same weight and a later key. */
    private static boolean lighter(double w1, String k1, double w2, String k2) {
        int c = Double.compare(w1, w2);
        return c < 0 || (c == 0 && k1.compareTo(k2) > 0);
    }

    private static int indexOf(String[] keys, int n, String key) {
        for (int i = 0; i < n; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
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
