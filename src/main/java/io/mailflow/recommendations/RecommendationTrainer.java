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
 * <p>State is bounded by the catalogue: per item its heaviest {@code maxCandidates} partners; per
 * segment and overall the heaviest {@code 4 * topK} items. The set of items changed since the last
 * publication is cleared at each publication.
 */
public final class RecommendationTrainer
        extends KeyedCoProcessFunction<Integer, SessionSummary, SegmentItems, RecoList> {
    private static final long serialVersionUID = 1L;
    public static final int GLOBAL_KEY = 0;
    /** A cart or purchase counts this much more than a view towards popularity. */
    static final double STRONG_BONUS = 2.0;

    private final CoOccurrence model;
    private final int topK;
    private final int maxSessionItems;
    private final long publishIntervalMs;
    private transient MapState<String, ItemCounts> items;
    private transient MapState<Integer, DecayedCounts> segments;
    private transient ValueState<DecayedCounts> popular;
    private transient MapState<String, Boolean> dirty;
    private transient ValueState<Long> version;

    public RecommendationTrainer(CoOccurrence model, int topK, int maxSessionItems, long publishIntervalMs) {
        this.model = model;
        this.topK = topK;
        this.maxSessionItems = maxSessionItems;
        this.publishIntervalMs = publishIntervalMs;
    }

    @Override
    public void open(OpenContext ctx) {
        items = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("item-counts", Types.STRING, Types.POJO(ItemCounts.class)));
        segments = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("segment-counts", Types.INT, Types.POJO(DecayedCounts.class)));
        popular = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("popular-counts", Types.POJO(DecayedCounts.class)));
        dirty = getRuntimeContext().getMapState(new MapStateDescriptor<>("changed-items", Types.STRING, Types.BOOLEAN));
        version = getRuntimeContext().getState(new ValueStateDescriptor<>("publication", Types.LONG));
    }

    @Override
    public void processElement1(SessionSummary s, Context ctx, Collector<RecoList> out) throws Exception {
        SessionItems si = SessionItems.of(s, maxSessionItems);
        if (si.items().isEmpty()) {
            return;
        }
        for (String item : si.items()) {
            items.put(item, model.observe(items.get(item), item, si.items(), s.end()));
            dirty.put(RecoList.itemKey(item), Boolean.TRUE);
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
        long v = version.value() == null ? 1L : version.value() + 1;
        List<String> changed = new ArrayList<>();
        for (String k : dirty.keys()) {
            changed.add(k);
        }
        if (changed.isEmpty()) {
            return;
        }
        java.util.Collections.sort(changed);
        for (String k : changed) {
            if (k.startsWith("segment:")) {
                int seg = Integer.parseInt(k.substring("segment:".length()));
                out.collect(segments.get(seg).top(k, topK, v, timestamp));
            } else {
                ItemCounts c = items.get(k.substring("item:".length()));
                out.collect(model.neighbours(
                        c,
                        other -> {
                            try {
                                return model.weightAt(items.get(other), timestamp);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        topK,
                        v,
                        timestamp));
            }
        }
        DecayedCounts p = popular.value();
        if (p != null) {
            out.collect(p.top(RecoList.POPULAR, topK, v, timestamp));
        }
        dirty.clear();
        version.update(v);
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
