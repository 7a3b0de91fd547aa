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
 * context items {@code c} of {@code recency(c) * cos(c, candidate)} (co-occurrence) and of
 * {@code knnWeight * recency(c) * knn(c, candidate)} (session-kNN, {@link SessionKnn}), plus
 * {@code segmentWeight} times its normalized rank score in the user's segment's top items, plus
 * {@code popularWeight} times the same in the overall top items. Recency is {@code 1 / (1 + age rank)}:
 * 1 for the latest context item, 1/2 for the one before, and so on. Items the e-mail already shows and
 * items the user purchased never appear. Each recommendation names the source that contributed most.
 */
public final class Recommender implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Tuned on a validation split of YOOCHOOSE's train part (docs/recommendations-report.md). */
    public static final double DEFAULT_RECENCY_WEIGHT = 2.0;
    /** Tuned on a validation split of YOOCHOOSE's train part (docs/recommendations-report.md). */
    public static final double DEFAULT_KNN_WEIGHT = 2.0;

    private final double segmentWeight;
    private final double popularWeight;
    private final double recencyWeight;
    private final double knnWeight;

    /** Without the session-kNN, recency weighted 1 (the ranking before issue 15). */
    public Recommender(double segmentWeight, double popularWeight) {
        this(segmentWeight, popularWeight, 1.0, 0.0);
    }

    /**
     * @param recencyWeight weight of the user's own recent items
     * @param knnWeight weight of the session-kNN neighbours ({@link RecoList#knnKey}), next to the
     *     co-occurrence neighbours (weight 1)
     */
    public Recommender(double segmentWeight, double popularWeight, double recencyWeight, double knnWeight) {
        if (recencyWeight < 0 || knnWeight < 0) {
            throw new IllegalArgumentException("weights must not be negative");
        }
        this.segmentWeight = segmentWeight;
        this.popularWeight = popularWeight;
        this.recencyWeight = recencyWeight;
        this.knnWeight = knnWeight;
    }

    public static Recommender defaults() {
        return new Recommender(0.3, 0.1, DEFAULT_RECENCY_WEIGHT, DEFAULT_KNN_WEIGHT);
    }

    /** The same ranking with other recency and session-kNN weights. */
    public Recommender withBlend(double recency, double knn) {
        return new Recommender(segmentWeight, popularWeight, recency, knn);
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
        // item -> {co-occurrence, segment, popular, recent, session-knn}
        Map<String, double[]> scores = new HashMap<>();
        int size = context.size();
        for (int i = 0; i < size; i++) {
            add(scores, excluded, context.get(i), 3, recencyWeight / (size - i));
        }
        for (int i = 0; i < size; i++) {
            double recency = 1.0 / (size - i);
            addNeighbours(scores, excluded, model.apply(RecoList.itemKey(context.get(i))), 0, recency);
            if (knnWeight > 0) {
                addNeighbours(scores, excluded, model.apply(RecoList.knnKey(context.get(i))), 4, knnWeight * recency);
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

    private static void addNeighbours(
            Map<String, double[]> scores, Set<String> excluded, RecoList nb, int slot, double weight) {
        if (nb == null) {
            return;
        }
        for (int j = 0; j < nb.items().size(); j++) {
            add(scores, excluded, nb.items().get(j), slot, weight * nb.scores()[j]);
        }
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
            scores.computeIfAbsent(item, k -> new double[5])[slot] += v;
        }
    }

    private static double total(double[] s) {
        return s[0] + s[1] + s[2] + s[3] + s[4];
    }

    private static final String[] SOURCES = {"co-occurrence", "segment", "popular", "recent", "session-knn"};

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
