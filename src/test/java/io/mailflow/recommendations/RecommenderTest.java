package io.mailflow.recommendations;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.Recommendation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecommenderTest {
    static final long DAY = 86_400_000L;

    @Test
    void coOccurrenceRanksByCosineAndDecays() {
        CoOccurrence co = new CoOccurrence(7 * DAY, 100);
        Map<String, ItemCounts> items = new HashMap<>();
        List<List<String>> sessions = List.of(
                List.of("tent", "stove"),
                List.of("tent", "stove"),
                List.of("tent", "mat"),
                List.of("tent", "socks"),
                List.of("socks", "shoes"),
                List.of("socks", "shoes"),
                List.of("socks", "shirt"));
        for (List<String> s : sessions) {
            for (String i : s) {
                items.put(i, co.observe(items.get(i), i, s, 0L));
            }
        }
        RecoList nb = co.neighbours(items.get("tent"), o -> co.weightAt(items.get(o), 0L), 3, 1, 0L);
        // socks co-occur with tent once but are popular: cosine ranks the stove and the mat first
        assertThat(nb.items()).containsExactly("stove", "mat", "socks");
        assertThat(co.weightAt(items.get("tent"), 7 * DAY)).isEqualTo(2.0); // 4 sessions, one half-life later
    }

    @Test
    void ranksRecentItemsNeighboursSegmentAndPopularWithoutShownOrPurchasedItems() {
        Map<String, RecoList> model = Map.of(
                RecoList.itemKey("tent"),
                new RecoList("item:tent", List.of("stove", "mat"), new double[] {0.9, 0.4}, 1, 0),
                RecoList.segmentKey(2),
                new RecoList("segment:2", List.of("boots", "mat"), new double[] {5, 3}, 1, 0),
                RecoList.POPULAR,
                new RecoList("popular", List.of("phone", "boots"), new double[] {9, 8}, 1, 0));
        // recency weighted 1 and no session-kNN: the ranking before issue 15
        List<Recommendation> recs = new Recommender(0.3, 0.1)
                .recommend(List.of("lamp", "tent"), List.of("tent"), model::get, 2, List.of("phone"), 10);
        // stove 0.9 (neighbour of the latest item); mat 0.4 + 0.3 * 1/2 from the segment; lamp 1/2 (second most
        // recent); boots 0.3 (segment) + 0.1 * 1/2 (popular); the tent is shown, the phone was bought
        assertThat(recs).extracting(Recommendation::itemId).containsExactly("stove", "mat", "lamp", "boots");
        assertThat(recs)
                .extracting(Recommendation::source)
                .containsExactly("co-occurrence", "co-occurrence", "recent", "segment");
    }

    @Test
    void theSessionKnnNeighboursAreBlendedWithRecencyByTheirWeights() {
        Map<String, RecoList> model = Map.of(
                RecoList.itemKey("tent"),
                new RecoList("item:tent", List.of("stove"), new double[] {0.9}, 1, 0),
                RecoList.knnKey("tent"),
                new RecoList("knn:tent", List.of("mat", "stove"), new double[] {0.6, 0.1}, 1, 0),
                RecoList.knnKey("lamp"),
                new RecoList("knn:lamp", List.of("bulb"), new double[] {1.0}, 1, 0));
        List<String> context = List.of("lamp", "tent");
        // recency 2, kNN 2: tent 2 (latest); stove 0.9 + 2 * 0.1 = 1.1; mat 2 * 0.6 = 1.2; lamp 2 * 1/2 = 1;
        // bulb 2 * 1/2 * 1.0 = 1 (neighbour of the older item), after the lamp by id
        List<Recommendation> recs =
                new Recommender(0.3, 0.1, 2.0, 2.0).recommend(context, List.of(), model::get, null, List.of(), 10);
        assertThat(recs).extracting(Recommendation::itemId).containsExactly("tent", "mat", "stove", "bulb", "lamp");
        assertThat(recs)
                .extracting(Recommendation::source)
                .containsExactly("recent", "session-knn", "co-occurrence", "session-knn", "recent");
        assertThat(recs.get(1).score()).isCloseTo(1.2, org.assertj.core.data.Offset.offset(1e-12));
        // weight 0 leaves the kNN lists out; recency 0.1 puts the own items last
        List<Recommendation> without =
                new Recommender(0.3, 0.1, 0.1, 0.0).recommend(context, List.of(), model::get, null, List.of(), 10);
        assertThat(without).extracting(Recommendation::itemId).containsExactly("stove", "tent", "lamp");
        assertThat(new Recommender(0.3, 0.1)
                        .withBlend(2.0, 2.0)
                        .recommend(context, List.of(), model::get, null, List.of(), 10))
                .isEqualTo(recs);
    }

    @Test
    void decayedCountsKeepTheHeaviest() {
        DecayedCounts c = DecayedCounts.empty(0).add(Map.of("a", 1.0, "b", 3.0, "c", 2.0), 0, DAY, 2);
        // the kept keys are a set (top() orders the published lists; DecayedCountsTest checks the definition)
        assertThat(c.keys()).containsExactlyInAnyOrder("b", "c");
        DecayedCounts later = c.add(Map.of("a", 2.0), DAY, DAY, 2);
        assertThat(later.keys()).containsExactlyInAnyOrder("a", "b"); // b decayed to 1.5, c to 1.0
        assertThat(later.top("popular", 2, 1, DAY).items()).containsExactly("a", "b");
    }
}
