package io.mailflow.recommendations;

import io.mailflow.model.SessionSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Learns the recommendation model from closed sessions (item co-occurrence and overall popularity) and
 * from segment-labelled sessions (top items per segment), and publishes what changed every
 * {@code publishIntervalMs} of event time. Runs at parallelism 1 under one key, like the k-means
 * trainer, because it holds one global model; the trigger operator receives the lists as a broadcast.
 *
 * <p>State is bounded: per item its heaviest {@code maxCandidates} partners; per segment (at most the
 * k-means {@code k} segments) and overall the heaviest {@code 4 * topK} items. The items themselves are not
 * bounded by the catalogue (item ids come from the events topic), so at each publication items whose decayed
 * session count fell below {@value #MIN_ITEM_WEIGHT} (about 6.6 half-lives after they were last seen) are
 * evicted, at least once per half-life, and when more than {@code maxItems} are kept the lightest go, down
 * to 90% of the cap so that the sort runs at most once per tenth of it. An evicted item is unknown again: it
 * no longer appears as anyone's neighbour and starts from zero when seen again. The set of items changed
 * since the last publication is cleared at each publication (evicted items leave it too).
 */
public final class RecommendationTrainer
        extends KeyedCoProcessFunction<Integer, SessionSummary, SegmentItems, RecoList> {
    private static final long serialVersionUID = 1L;
    public static final int GLOBAL_KEY = 0;
    /** A cart or purchase counts this much more than a view towards popularity. */
    static final double STRONG_BONUS = 2.0;
    /** Items whose decayed session count is below this are forgotten (one session counts 1). */
    public static final double MIN_ITEM_WEIGHT = 0.01;

    private final CoOccurrence model;
    /** The session-kNN next to the co-occurrence; null: not run (no lists under {@code knn:}). */
    private final SessionKnn knn;

    private final int topK;
    private final int maxSessionItems;
    private final long publishIntervalMs;
    private final int maxItems;
    private transient ValueState<Integer> itemCount;
    private transient ValueState<Long> lastSweep;
    private transient MapState<String, ItemCounts> items;
    private transient MapState<Integer, DecayedCounts> segments;
    private transient ValueState<DecayedCounts> popular;
    private transient MapState<String, Boolean> dirty;
    private transient ValueState<Long> version;
    private transient SessionKnn.Store knnStore;

    /** @param maxItems most items kept (see the class comment) */
    public RecommendationTrainer(
            CoOccurrence model, int topK, int maxSessionItems, long publishIntervalMs, int maxItems) {
        this(model, null, topK, maxSessionItems, publishIntervalMs, maxItems);
    }

    /** @param knn the session-kNN learned next to the co-occurrence, or null for none */
    public RecommendationTrainer(
            CoOccurrence model, SessionKnn knn, int topK, int maxSessionItems, long publishIntervalMs, int maxItems) {
        if (maxItems < 10) {
            throw new IllegalArgumentException("maxItems must be at least 10: " + maxItems);
        }
        this.maxItems = maxItems;
        this.model = model;
        this.knn = knn;
        this.topK = topK;
        this.maxSessionItems = maxSessionItems;
        this.publishIntervalMs = publishIntervalMs;
    }

    @Override
    public void open(OpenContext ctx) {
        items = getRuntimeContext().getMapState(itemCountsDescriptor());
        segments = getRuntimeContext().getMapState(segmentCountsDescriptor());
        popular = getRuntimeContext().getState(popularDescriptor());
        dirty = getRuntimeContext().getMapState(changedDescriptor());
        version = getRuntimeContext().getState(publicationDescriptor());
        itemCount = getRuntimeContext().getState(itemCountDescriptor());
        lastSweep = getRuntimeContext().getState(lastSweepDescriptor());
        knnStore = new KnnStateStore(
                getRuntimeContext().getMapState(knnSessionsDescriptor()),
                getRuntimeContext().getMapState(knnItemSessionsDescriptor()),
                getRuntimeContext().getState(knnRangeDescriptor()));
    }

    /** Session-kNN: the indexed sessions by number (items and end time only). Added in issue 15. */
    public static MapStateDescriptor<Long, KnnSession> knnSessionsDescriptor() {
        return new MapStateDescriptor<>("knn-sessions", Types.LONG, Types.POJO(KnnSession.class));
    }

    /** Session-kNN: per item, the numbers of its last indexed sessions. Added in issue 15. */
    public static MapStateDescriptor<String, ItemSessions> knnItemSessionsDescriptor() {
        return new MapStateDescriptor<>("knn-item-sessions", Types.STRING, Types.POJO(ItemSessions.class));
    }

    /** Session-kNN: the range of session numbers indexed. Added in issue 15. */
    public static ValueStateDescriptor<KnnRange> knnRangeDescriptor() {
        return new ValueStateDescriptor<>("knn-range", Types.POJO(KnnRange.class));
    }

    /** Per item, its decayed session count and heaviest partners. */
    public static MapStateDescriptor<String, ItemCounts> itemCountsDescriptor() {
        return new MapStateDescriptor<>("item-counts", Types.STRING, Types.POJO(ItemCounts.class));
    }

    /** Per segment, its heaviest items. */
    public static MapStateDescriptor<Integer, DecayedCounts> segmentCountsDescriptor() {
        return new MapStateDescriptor<>("segment-counts", Types.INT, Types.POJO(DecayedCounts.class));
    }

    /** The heaviest items overall. */
    public static ValueStateDescriptor<DecayedCounts> popularDescriptor() {
        return new ValueStateDescriptor<>("popular-counts", Types.POJO(DecayedCounts.class));
    }

    /** The list keys changed since the last publication. */
    public static MapStateDescriptor<String, Boolean> changedDescriptor() {
        return new MapStateDescriptor<>("changed-items", Types.STRING, Types.BOOLEAN);
    }

    /** The version of the last publication. */
    public static ValueStateDescriptor<Long> publicationDescriptor() {
        return new ValueStateDescriptor<>("publication", Types.LONG);
    }

    /** How many items {@code item-counts} holds (kept so that the cap needs no scan). */
    public static ValueStateDescriptor<Integer> itemCountDescriptor() {
        return new ValueStateDescriptor<>("item-count", Types.INT);
    }

    /** Event time of the last sweep of decayed items. */
    public static ValueStateDescriptor<Long> lastSweepDescriptor() {
        return new ValueStateDescriptor<>("item-sweep", Types.LONG);
    }

    @Override
    public void processElement1(SessionSummary s, Context ctx, Collector<RecoList> out) throws Exception {
        SessionItems si = SessionItems.of(s, maxSessionItems);
        if (si.items().isEmpty()) {
            return;
        }
        int added = 0;
        for (String item : si.items()) {
            ItemCounts current = items.get(item);
            if (current == null) {
                added++;
            }
            items.put(item, model.observe(current, item, si.items(), s.end()));
            dirty.put(RecoList.itemKey(item), Boolean.TRUE);
        }
        if (added > 0) {
            itemCount.update(count() + added);
        }
        if (knn != null) {
            knn.learn(knnStore, si.items(), s.end());
        }
        DecayedCounts p = popular.value();
        popular.update((p == null ? DecayedCounts.empty(s.end()) : p)
                .add(popularity(si.items(), si.strongItems()), s.end(), model.halfLifeMs(), 4 * topK));
        schedule(ctx, s.end());
    }

    @Override
    public void processElement2(SegmentItems s, Context ctx, Collector<RecoList> out) throws Exception {
        DecayedCounts c = segments.get(s.segment());
        segments.put(
                s.segment(),
                (c == null ? DecayedCounts.empty(s.at()) : c)
                        .add(popularity(s.items(), s.strongItems()), s.at(), model.halfLifeMs(), 4 * topK));
        dirty.put(RecoList.segmentKey(s.segment()), Boolean.TRUE);
        schedule(ctx, s.at());
    }

    private void schedule(Context ctx, long at) {
        // one timer per interval boundary; registering the same timestamp again is a no-op
        ctx.timerService().registerEventTimeTimer((Math.floorDiv(at, publishIntervalMs) + 1) * publishIntervalMs);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RecoList> out) throws Exception {
        evict(timestamp);
        long v = version.value() == null ? 1L : version.value() + 1;
        List<String> changed = new ArrayList<>();
        for (String k : dirty.keys()) {
            changed.add(k);
        }
        if (changed.isEmpty()) {
            return;
        }
        java.util.Collections.sort(changed);
        // an item's weight, once per publication: neighbour lists of the changed items share most of their
        // candidates, and on RocksDB every look-up deserializes the whole ItemCounts (its co-occurrence list)
        Map<String, Double> weights = new java.util.HashMap<>();
        java.util.function.ToDoubleFunction<String> weightOf = other -> {
            Double w = weights.get(other);
            if (w == null) {
                try {
                    w = model.weightAt(items.get(other), timestamp);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                weights.put(other, w);
            }
            return w;
        };
        SessionKnn.Store knnReads = knn == null ? null : SessionKnn.readingOnce(knnStore);
        for (String k : changed) {
            if (k.startsWith("segment:")) {
                int seg = Integer.parseInt(k.substring("segment:".length()));
                out.collect(segments.get(seg).top(k, topK, v, timestamp));
            } else {
                String item = k.substring("item:".length());
                out.collect(model.neighbours(items.get(item), weightOf, topK, v, timestamp));
                RecoList near = knn == null ? null : knn.neighbours(knnReads, item, weightOf, topK, v, timestamp);
                if (near != null) {
                    out.collect(near);
                }
            }
        }
        DecayedCounts p = popular.value();
        if (p != null) {
            out.collect(p.top(RecoList.POPULAR, topK, v, timestamp));
        }
        dirty.clear();
        version.update(v);
    }

    /** Forgets decayed items (at least once per half-life) and the lightest ones beyond the cap. */
    private void evict(long now) throws Exception {
        if (knn != null) {
            knn.evict(knnStore, now);
        }
        Long last = lastSweep.value();
        int n = count();
        boolean sweep = last == null || now - last >= model.halfLifeMs();
        if (!sweep && n <= maxItems) {
            return;
        }
        List<Map.Entry<String, Double>> kept = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (Map.Entry<String, ItemCounts> e : items.entries()) {
            double w = model.weightAt(e.getValue(), now);
            if (w < MIN_ITEM_WEIGHT) {
                gone.add(e.getKey());
            } else {
                kept.add(Map.entry(e.getKey(), w));
            }
        }
        int left = kept.size();
        if (left > maxItems) {
            // lightest first, ties by id so that a replay evicts the same items
            kept.sort(Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
            left = maxItems - maxItems / 10;
            for (int i = 0; i < kept.size() - left; i++) {
                gone.add(kept.get(i).getKey());
            }
        }
        for (String item : gone) {
            items.remove(item);
            dirty.remove(RecoList.itemKey(item));
        }
        if (left > 0) {
            itemCount.update(left);
        } else {
            itemCount.clear();
        }
        if (sweep) {
            lastSweep.update(now);
        }
    }

    /** The number of items kept; counted once for state restored from before the count was kept. */
    private int count() throws Exception {
        Integer n = itemCount.value();
        if (n != null) {
            return n;
        }
        int c = 0;
        for (String ignored : items.keys()) {
            c++;
        }
        return c;
    }

    static Map<String, Double> popularity(List<String> all, List<String> strong) {
        Map<String, Double> add = new LinkedHashMap<>();
        for (String i : all) {
            add.put(i, 1.0);
        }
        for (String i : strong) {
            add.merge(i, STRONG_BONUS, Double::sum);
        }
        return add;
    }
}
