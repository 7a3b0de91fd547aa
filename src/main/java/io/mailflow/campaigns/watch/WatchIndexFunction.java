package io.mailflow.campaigns.watch;

import io.mailflow.campaigns.CampaignParser;
import io.mailflow.common.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by user, in front of {@link ItemWatchFunction}: remembers which items each user may be a watcher of, so
 * that an erasure visits only those items instead of every item of the catalog. Views and carts pass through (and
 * are indexed); a user's erasure becomes one {@link ItemSignal#erasure(String, String)} per indexed item, keyed by
 * item downstream, and the user's index is cleared.
 *
 * <p>Ordering: a user's views and their erasure travel through this operator in arrival order, and each per-item
 * erasure follows the user's earlier views of the item on the same channel, so it reaches them even while they
 * wait for event time in {@code watch-pending-views}.
 *
 * <p>Coverage: a watcher entry lives until {@code watch-ttl} after the user's last view of the item, longer only by
 * a dedup period that starts while the watch is active, and a campaign's dedup is at most
 * {@link CampaignParser#MAX_DEDUP}; the index keeps an item that long after the user's last view of it, so it never
 * forgets an item before the item forgets the user. It holds at most {@code max-watchers} items per user; a user
 * beyond that (a crawler) is marked, and their erasure falls back to the walk over every item
 * ({@link Tags#WATCH_FULL_ERASURES}, the broadcast input of {@link ItemWatchFunction}) until the mark lapses.
 * The same fallback covers state restored from a savepoint taken before the index existed, for one retention
 * after the first watermark (see {@link #initializeState}).
 */
public final class WatchIndexFunction extends KeyedProcessFunction<String, ItemSignal, ItemSignal>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    /** Slack for views that were pending (ahead of the watermark) in a savepoint taken before the index. */
    private static final long LEGACY_SLACK_MS = Duration.ofDays(1).toMillis();

    private final WatchSettings settings;
    private final long keepMs;
    private transient MapState<String, Long> items;
    private transient ValueState<WatchIndexMeta> meta;
    private transient ListState<Long> legacyState;
    /** Until this event time erasures also walk every item; Long.MAX_VALUE while not yet known. */
    private transient long legacyUntil;

    private transient boolean legacyKnown;
    private transient Counter perItemErasures;

    /** Item id to the event time of the user's last view or cart of it. */
    public static MapStateDescriptor<String, Long> itemsDescriptor() {
        return new MapStateDescriptor<>("watch-index-items", Types.STRING, Types.LONG);
    }

    public static ValueStateDescriptor<WatchIndexMeta> metaDescriptor() {
        return new ValueStateDescriptor<>("watch-index-meta", WatchIndexMeta.class);
    }

    /** Operator (union) state: until when erasures walk every item after a restore from a pre-index savepoint. */
    public static ListStateDescriptor<Long> legacyDescriptor() {
        return new ListStateDescriptor<>("watch-index-legacy-until", Types.LONG);
    }

    public WatchIndexFunction(WatchSettings settings) {
        this.settings = settings;
        this.keepMs = keepMs(settings);
    }

    /** How long the index keeps an item after the user's last view of it: the longest a watcher entry can live. */
    public static long keepMs(WatchSettings settings) {
        return settings.watchTtlMs() + CampaignParser.MAX_DEDUP.toMillis();
    }

    @Override
    public void initializeState(FunctionInitializationContext ctx) throws Exception {
        legacyState = ctx.getOperatorStateStore().getUnionListState(legacyDescriptor());
        legacyUntil = Long.MIN_VALUE;
        legacyKnown = !ctx.isRestored();
        if (ctx.isRestored()) {
            for (Long l : legacyState.get()) {
                legacyUntil = legacyKnown ? Math.max(legacyUntil, l) : l;
                legacyKnown = true;
            }
        }
        // restored without this state: the savepoint predates the index, and the item watchers may hold users it
        // does not know; the horizon is fixed at the first watermark (see legacy())
        if (!legacyKnown) {
            legacyUntil = Long.MAX_VALUE;
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
        legacyState.clear();
        if (legacyKnown) {
            legacyState.add(legacyUntil);
        }
    }

    @Override
    public void open(OpenContext ctx) {
        items = getRuntimeContext().getMapState(itemsDescriptor());
        meta = getRuntimeContext().getState(metaDescriptor());
        perItemErasures = getRuntimeContext().getMetricGroup().counter("watchIndexItemErasures");
    }

    @Override
    public void processElement(ItemSignal s, Context ctx, Collector<ItemSignal> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        if (!legacyKnown && watermark > Long.MIN_VALUE) {
            legacyUntil = watermark + keepMs + LEGACY_SLACK_MS;
            legacyKnown = true;
        }
        if (s.erasure() != null) {
            erase(s.erasure().userId(), ctx, out);
            return;
        }
        if (s.event() != null) {
            index(s.event().itemId(), s.event().timestamp(), ctx.timerService());
            out.collect(s);
        }
    }

    private void index(String itemId, long at, TimerService timers) throws Exception {
        WatchIndexMeta m = meta();
        Long previous = items.get(itemId);
        long fullWalkUntil = m.fullWalkUntil();
        int size = m.size();
        if (previous == null && size >= settings.maxWatchers()) {
            // a crawler: rather than forget an item it may still watch, mark the user for the full walk
            fullWalkUntil = Math.max(fullWalkUntil, at + keepMs);
        } else {
            items.put(itemId, previous == null ? at : Math.max(previous, at));
            size += previous == null ? 1 : 0;
        }
        // a full-walk mark lasts as long as the view that set it: the timer at the view's end serves both
        long sweep = Math.min(m.sweepAt(), at + keepMs);
        if (sweep != m.sweepAt()) {
            if (m.sweepAt() != Long.MAX_VALUE) {
                timers.deleteEventTimeTimer(m.sweepAt());
            }
            timers.registerEventTimeTimer(sweep);
        }
        meta.update(new WatchIndexMeta(size, sweep, fullWalkUntil));
    }

    private void erase(String userId, Context ctx, Collector<ItemSignal> out) throws Exception {
        WatchIndexMeta m = meta();
        long watermark = ctx.timerService().currentWatermark();
        List<String> watched = new ArrayList<>();
        for (String item : items.keys()) {
            watched.add(item);
        }
        for (String item : watched) {
            perItemErasures.inc();
            out.collect(ItemSignal.erasure(userId, item));
        }
        if (legacy(watermark) || m.fullWalkUntil() > watermark) {
            ctx.output(Tags.WATCH_FULL_ERASURES, userId);
        }
        items.clear();
        meta.clear();
        if (m.sweepAt() != Long.MAX_VALUE) {
            ctx.timerService().deleteEventTimeTimer(m.sweepAt());
        }
    }

    /** Whether the item watchers may still hold entries from before the index (restored from an older savepoint). */
    private boolean legacy(long watermark) {
        return !legacyKnown || watermark < legacyUntil;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ItemSignal> out) throws Exception {
        WatchIndexMeta m = meta();
        long next = Long.MAX_VALUE;
        int size = 0;
        List<String> gone = new ArrayList<>();
        for (Map.Entry<String, Long> e : items.entries()) {
            long until = e.getValue() + keepMs;
            if (until <= timestamp) {
                gone.add(e.getKey());
            } else {
                size++;
                next = Math.min(next, until);
            }
        }
        for (String item : gone) {
            items.remove(item);
        }
        long fullWalkUntil = m.fullWalkUntil() > timestamp ? m.fullWalkUntil() : Long.MIN_VALUE;
        if (fullWalkUntil != Long.MIN_VALUE) {
            next = Math.min(next, fullWalkUntil);
        }
        if (size == 0 && fullWalkUntil == Long.MIN_VALUE) {
            meta.clear();
            return;
        }
        ctx.timerService().registerEventTimeTimer(next);
        meta.update(new WatchIndexMeta(size, next, fullWalkUntil));
    }

    private WatchIndexMeta meta() throws Exception {
        WatchIndexMeta m = meta.value();
        return m == null ? WatchIndexMeta.EMPTY : m;
    }
}
