package io.mailflow.catalog;

import io.mailflow.model.CatalogItem;
import io.mailflow.model.CatalogUpdate;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The catalog as keyed state, keyed by item id: each subtask holds only its share of the items, so the catalog
 * scales with the parallelism instead of being copied to every subtask (broadcast state at 10 million items
 * would be). Input 1 are request items to look up, input 2 the catalog's updates (the newest {@code updatedAt}
 * wins; a removal deletes the item).
 *
 * <p>A lookup is answered when event time reaches the request's {@code triggeredAt}, by a timer: in a bounded
 * run (a replay) the catalog input holds event time back until it is read to its end, so every lookup sees the
 * whole catalog; in a live job the catalog input is idle (it carries no event time) and the requests alone drive
 * event time, so the answer comes with the next watermark.
 */
public final class CatalogLookupFunction extends KeyedCoProcessFunction<String, ItemLookup, CatalogUpdate, ItemLookup> {
    private static final long serialVersionUID = 1L;

    private transient ValueState<CatalogItem> item;
    private transient MapState<Long, List<ItemLookup>> waiting;
    private transient Counter misses;

    // State descriptors, declared once: the operator, the harness tests and the state tools use these.

    public static ValueStateDescriptor<CatalogItem> itemDescriptor() {
        return new ValueStateDescriptor<>("catalog-item", CatalogItem.class);
    }

    /** Lookups waiting for event time to reach their request, by that time. */
    public static MapStateDescriptor<Long, List<ItemLookup>> waitingDescriptor() {
        return new MapStateDescriptor<>(
                "catalog-lookups-waiting", Types.LONG, Types.LIST(TypeInformation.of(ItemLookup.class)));
    }

    @Override
    public void open(OpenContext ctx) {
        item = getRuntimeContext().getState(itemDescriptor());
        waiting = getRuntimeContext().getMapState(waitingDescriptor());
        misses = getRuntimeContext().getMetricGroup().counter("catalogMisses");
    }

    @Override
    public void processElement1(ItemLookup lookup, Context ctx, Collector<ItemLookup> out) throws Exception {
        long at = lookup.triggeredAt();
        if (at <= ctx.timerService().currentWatermark()) {
            answer(lookup, out);
            return;
        }
        List<ItemLookup> due = waiting.get(at);
        List<ItemLookup> next = due == null ? new ArrayList<>() : new ArrayList<>(due);
        next.add(lookup);
        waiting.put(at, next);
        ctx.timerService().registerEventTimeTimer(at);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ItemLookup> out) throws Exception {
        List<ItemLookup> due = waiting.get(timestamp);
        if (due == null) {
            return;
        }
        waiting.remove(timestamp);
        for (ItemLookup l : due) {
            answer(l, out);
        }
    }

    private void answer(ItemLookup lookup, Collector<ItemLookup> out) throws Exception {
        CatalogItem current = item.value();
        if (current == null) {
            misses.inc();
        }
        out.collect(lookup.found(current));
    }

    @Override
    public void processElement2(CatalogUpdate update, Context ctx, Collector<ItemLookup> out) throws Exception {
        if (update.removed()) {
            item.clear();
            return;
        }
        CatalogItem current = item.value();
        if (current == null || update.item().updatedAt() >= current.updatedAt()) {
            item.update(update.item());
        }
    }
}
