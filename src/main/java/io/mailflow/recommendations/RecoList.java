package io.mailflow.recommendations;

import java.util.List;

/**
 * One published piece of the recommendation model, broadcast to the trigger operator.
 *
 * @param key {@code item:<itemId>} (the item's top-K co-occurrence neighbours), {@code knn:<itemId>} (its session-kNN neighbours), {@code segment:<n>} (the segment's top
 *     items) or {@code popular} (top items overall)
 * @param items ranked items, best first
 * @param scores their scores, same order (cosine similarity for neighbours, decayed counts otherwise)
 * @param version the trainer's publication counter (stamped on every list of one publication)
 * @param asOf event time of the publication
 */
public record RecoList(String key, List<String> items, double[] scores, long version, long asOf) {
    public static final String POPULAR = "popular";

    public static String itemKey(String itemId) {
        return "item:" + itemId;
    }

    /** The item's session-kNN neighbours ({@link SessionKnn}), published next to its co-occurrence ones. */
    public static String knnKey(String itemId) {
        return "knn:" + itemId;
    }

    public static String segmentKey(int segment) {
        return "segment:" + segment;
    }
}
