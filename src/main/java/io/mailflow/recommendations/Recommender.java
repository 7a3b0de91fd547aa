package io.mailflow.recommendations;

import io.mailflow.model.Recommendation;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Ranks items for one e-mail from the published model, the math only (no Flink).
 *
 * <p>Score of a candidate = sum over context items {@code c} of {@code recency(c) * cos(c, candidate)}
 * (co-occurrence), plus {@code segmentWeight} times its normalized rank score in the user's segment's
 * top items, plus {@code popularWeight} times the same in the overall top items. Context items count
 * more the more recent they are ({@code 1 / (1 + age rank)}). Excluded items (already purchased, and the
 * context items themselves, which the e-mail shows anyway) never appear. Each recommendation names the
 * source that contributed most to its score.
 */
public final class Recommender implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double segmentWeight;
    private final double popularWeight;

    public Recommender(double segmentWeight, double popularWeight) {
        this.segmentWeight = segmentWeight;
        this.popularWeight = popularWeight;
    }

    public static Recommender defaults() {
        return new Recommender(0.3, 0.1);
    }

    /**
     * @param context the trigger's items, oldest first (the most recent weighs most)
     * @param model published lists by key ({@link RecoList#itemKey}, {@link RecoList#segmentKey}, {@link RecoList#POPULAR}); null if absent
     * @param segment the user's segment, or null
     * @param exclude items never to recommend
     * @param n how many
     */
    public List<Recommendation> recommend(
            List<String> context, Function<String, RecoList> model, Integer segment, Collection<String> exclude, int n) {
        Set<String> excluded = new HashSet<>(exclude);
        excluded.addAll(context);
        Map<String, double[]> scores = new HashMap<>(); // item -> {co-occurrence, segment, popular}
        int size = context.size();
        for (int i = 0; i < size; i++) {
            RecoList nb = model.apply(RecoList.itemKey(context.get(i)));
            if (nb == null) {
                continue;
            }
            double recency = 1.0 / (size - i);
            for (int j = 0; j < nb.items().size(); j++) {
                add(scores, excluded, nb.items().get(j), 0, recency * nb.scores()[j]);
            }
        }
        if (segment != null) {
            addRanked(scores, excluded, model.apply(RecoList.segmentKey(segment)), 1, segmentWeight);
        }
        addRanked(scores, excluded, model.apply(RecoList.POPULAR), 2, popularWeight);
        List<Map.Entry<String, double[]>> ranked = new ArrayList<>(scores.entrySet());
        ranked.sort((a, b) -> {
            int c = Double.compare(total(b.getValue()), total(a.getValue()));
            return c != 0 ? c : a.getKey().compareTo(b.getKey());
        });
        List<Recommendation> out = new ArrayList<>();
        for (Map.Entry<String, double[]> e : ranked.subList(0, Math.min(n, ranked.size()))) {
            out.add(new Recommendation(e.getKey(), total(e.getValue()), source(e.getValue())));
        }
        return out;
    }

    /** A ranked list contributes {@code weight * (1 - rank / size)}: the top item 1, the last nearly 0. */
    private static void addRanked(Map<String, double[]> scores, Set<String> excluded, RecoList list, int slot, double weight) {
        if (list == null || weight <= 0) {
            return;
        }
        int size = list.items().size();
        for (int r = 0; r < size; r++) {
            add(scores, excluded, list.items().get(r), slot, weight * (1.0 - (double) r / size));
        }
    }

    private static void add(Map<String, double[]> scores, Set<String> excluded, String item, int slot, double v) {
        if (!excluded.contains(item) && v > 0) {
            scores.computeIfAbsent(item, k -> new double[3])[slot] += v;
        }
    }

    private static double total(double[] s) {
        return s[0] + s[1] + s[2];
    }

    private static String source(double[] s) {
        if (s[0] >= s[1] && s[0] >= s[2]) {
            return "co-occurrence";
        }
        return s[1] >= s[2] ? "segment" : "popular";
    }
}
