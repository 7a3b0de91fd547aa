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
 * <p>Score of a candidate = {@code recency(c)} if it is itself one of the user's recent context items
 * (shoppers mostly come back for what they looked at: on the REES46 replay 99 % of first carts are of an
 * item viewed in the current or previous session, see docs/recommendations-report.md), plus the sum over
 * context items {@code c} of {@code recency(c) * cos(c, candidate)} (co-occurrence), plus
 * {@code segmentWeight} times its normalized rank score in the user's segment's top items, plus
 * {@code popularWeight} times the same in the overall top items. Recency is {@code 1 / (1 + age rank)}:
 * 1 for the latest context item, 1/2 for the one before, and so on. Items the e-mail already shows and
 * items the user purchased never appear. Each recommendation names the source that contributed most.
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
     * @param context the user's recent items, oldest first (the most recent weighs most)
     * @param shown items the e-mail shows anyway (e.g. the abandoned cart): never recommended
     * @param model published lists by key ({@link RecoList#itemKey}, {@link RecoList#segmentKey}, {@link RecoList#POPULAR}); null if absent
     * @param segment the user's segment, or null
     * @param exclude further items never to recommend (already purchased)
     * @param n how many
     */
    public List<Recommendation> recommend(
            List<String> context,
            Collection<String> shown,
            Function<String, RecoList> model,
            Integer segment,
            Collection<String> exclude,
            int n) {
        Set<String> excluded = new HashSet<>(exclude);
        excluded.addAll(shown);
        Map<String, double[]> scores = new HashMap<>(); // item -> {co-occurrence, segment, popular, recent}
        int size = context.size();
        for (int i = 0; i < size; i++) {
            add(scores, excluded, context.get(i), 3, 1.0 / (size - i));
        }
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
    private static void addRanked(
            Map<String, double[]> scores, Set<String> excluded, RecoList list, int slot, double weight) {
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
            scores.computeIfAbsent(item, k -> new double[4])[slot] += v;
        }
    }

    private static double total(double[] s) {
        return s[0] + s[1] + s[2] + s[3];
    }

    private static final String[] SOURCES = {"co-occurrence", "segment", "popular", "recent"};

    private static String source(double[] s) {
        int best = 0;
        for (int i = 1; i < s.length; i++) {
            if (s[i] > s[best]) {
                best = i;
            }
        }
        return SOURCES[best];
    }
}
