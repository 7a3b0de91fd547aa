package io.mailflow.campaigns.watch;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.ControlMessage;
import io.mailflow.campaigns.Descriptors;
import io.mailflow.campaigns.UserSignal;
import io.mailflow.campaigns.rules.CampaignsInForce;
import io.mailflow.model.CatalogItem;
import io.mailflow.model.CatalogUpdate;
import io.mailflow.model.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The catalog-driven triggers' side keyed by item: views and carts make users watchers of the item, catalog
 * changes tell them (back in stock, price drop) through {@link UserSignal}s that the per-user trigger operator
 * turns into e-mail requests like any other trigger's. The decisions are {@link ItemWatchers}'; this operator
 * holds the state and the timers.
 *
 * <p>A catalog change is applied when event time reaches its {@code updatedAt}, and a view when event time reaches
 * the view (timers; one at an instant serves both), so views and changes are taken in event-time order whatever
 * order the two inputs arrive in. Views are recorded whether or not a catalog-driven campaign
 * is in force when they arrive (bounded by {@link WatchSettings}): the campaigns arrive on an untimed broadcast
 * input, and gating on it would make a replay's watchers depend on arrival order. The broadcast input carries the campaigns (changes apply
 * to every later decision).
 *
 * <p>Erasures: the state is keyed by item, not by user, so a user's erasure arrives from {@link WatchIndexFunction}
 * as one keyed {@link ItemSignal#erasure(String, String)} per item the user may watch, and costs only those items.
 * Only when the index cannot vouch for a user (state restored from a savepoint older than the index, or a user
 * with more items than it keeps) does the erasure also arrive on the broadcast input, and visit every item of the
 * subtask ({@code applyToKeyedState}). Both count the items they visit ({@code watchErasureItemVisits}).
 */
public final class ItemWatchFunction
        extends KeyedBroadcastProcessFunction<String, ItemSignal, ControlMessage, UserSignal> {
    private static final long serialVersionUID = 1L;

    private final WatchSettings settings;
    private final Map<String, CampaignDefinition> initial;
    private transient ItemWatchers logic;
    private transient ValueState<WatchList> watchers;
    private transient ValueState<ItemStatus> status;
    private transient MapState<Long, CatalogItem> changes;
    private transient MapState<Long, List<ViewMark>> views;
    private transient Counter notices;
    private transient Counter erasureVisits;

    // State descriptors, declared once: the operator, the harness tests and the erasure use these.

    public static ValueStateDescriptor<WatchList> watchersDescriptor() {
        return new ValueStateDescriptor<>("item-watchers", WatchList.class);
    }

    public static ValueStateDescriptor<ItemStatus> statusDescriptor() {
        return new ValueStateDescriptor<>("watch-item-status", ItemStatus.class);
    }

    /** Catalog versions waiting for event time to reach their {@code updatedAt}, by that time. */
    public static MapStateDescriptor<Long, CatalogItem> changesDescriptor() {
        return new MapStateDescriptor<>("watch-pending-changes", Types.LONG, Types.POJO(CatalogItem.class));
    }

    /** Views and carts waiting for event time to reach them, by that time. */
    public static MapStateDescriptor<Long, List<ViewMark>> viewsDescriptor() {
        return new MapStateDescriptor<>(
                "watch-pending-views", Types.LONG, Types.LIST(TypeInformation.of(ViewMark.class)));
    }

    public ItemWatchFunction(WatchSettings settings, List<CampaignDefinition> initial) {
        this.settings = settings;
        this.initial = new HashMap<>();
        initial.forEach(c -> this.initial.put(c.id(), c));
    }

    @Override
    public void open(OpenContext ctx) {
        logic = new ItemWatchers(settings);
        watchers = getRuntimeContext().getState(watchersDescriptor());
        status = getRuntimeContext().getState(statusDescriptor());
        changes = getRuntimeContext().getMapState(changesDescriptor());
        views = getRuntimeContext().getMapState(viewsDescriptor());
        notices = getRuntimeContext().getMetricGroup().counter("catalogTriggerNotices");
        erasureVisits = getRuntimeContext().getMetricGroup().counter("watchErasureItemVisits");
    }

    @Override
    public void processElement(ItemSignal s, ReadOnlyContext ctx, Collector<UserSignal> out) throws Exception {
        if (s.update() != null) {
            onCatalog(s.update(), ctx);
            return;
        }
        if (s.erasure() != null) {
            erase(s.erasure().userId(), ctx.timerService());
            return;
        }
        Event e = s.event();
        long at = e.timestamp();
        ViewMark v = new ViewMark(e.userId(), e.price(), e.currency());
        if (at <= ctx.timerService().currentWatermark()) {
            WatchList list = list();
            store(view(list.watchers(), v, at), list.sweepAt(), ctx.timerService());
            return;
        }
        // decided when event time reaches the view, so that every catalog change up to then is known (in a replay
        // the catalog may arrive after the views)
        List<ViewMark> due = views.get(at);
        List<ViewMark> next = due == null ? new ArrayList<>() : new ArrayList<>(due);
        next.add(v);
        views.put(at, next);
        if (due == null && !changes.contains(at)) {
            ctx.timerService().registerEventTimeTimer(at);
        }
    }

    /**
     * Forgets the user in this item only: the watch index ({@link WatchIndexFunction}) sends one such erasure per
     * item the user may watch, so an erasure costs the user's items, not the catalog.
     */
    private void erase(String user, TimerService timers) throws Exception {
        erasureVisits.inc();
        WatchList l = watchers.value();
        if (l != null && l.watchers().stream().anyMatch(w -> w.userId().equals(user))) {
            store(ItemWatchers.erase(l.watchers(), user), l.sweepAt(), timers);
        }
        eraseViews(views, user);
    }

    private static void eraseViews(MapState<Long, List<ViewMark>> state, String user) throws Exception {
        for (Map.Entry<Long, List<ViewMark>> e : state.entries()) {
            if (e.getValue().stream().anyMatch(v -> v.userId().equals(user))) {
                List<ViewMark> rest = new ArrayList<>(e.getValue());
                rest.removeIf(v -> v.userId().equals(user));
                // an emptied time keeps an empty list until its timer, which then finds nothing
                state.put(e.getKey(), rest);
            }
        }
    }

    private List<Watch> view(List<Watch> watchers, ViewMark v, long at) throws Exception {
        return logic.view(watchers, v.userId(), at, statusAt(at), v.price(), v.currency());
    }

    private void onCatalog(CatalogUpdate u, ReadOnlyContext ctx) throws Exception {
        if (u.removed()) {
            // the item is gone: nobody can be told it is back; pending versions are moot
            status.clear();
            changes.clear();
            views.clear();
            watchers.clear();
            return;
        }
        long at = u.item().updatedAt();
        CatalogItem waiting = changes.get(at);
        if (waiting == null) {
            ctx.timerService().registerEventTimeTimer(at);
        }
        changes.put(at, u.item());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<UserSignal> out) throws Exception {
        WatchList list = list();
        List<Watch> current = list.watchers();
        // at one instant: the catalog change first (a view at the instant of a restock sees it in stock), then the
        // views, then the clean-up
        CatalogItem item = changes.get(timestamp);
        if (item != null) {
            changes.remove(timestamp);
            ItemStatus before = status.value();
            if (before == null || item.updatedAt() >= before.updatedAt()) {
                ItemStatus after = ItemStatus.of(item);
                status.update(after);
                ItemWatchers.Outcome o = logic.change(
                        ctx.getCurrentKey(),
                        current,
                        before,
                        after,
                        timestamp,
                        campaigns(ctx.getBroadcastState(Descriptors.CAMPAIGNS)));
                for (ItemWatchers.Notice n : o.notices()) {
                    notices.inc();
                    out.collect(UserSignal.of(n.userId(), n.fact()));
                }
                current = o.watchers();
            }
        }
        List<ViewMark> due = views.get(timestamp);
        if (due != null) {
            views.remove(timestamp);
            for (ViewMark v : due) {
                current = view(current, v, timestamp);
            }
        }
        if (list.sweepAt() <= timestamp) {
            current = logic.sweep(current, timestamp);
            store(current, Long.MAX_VALUE, ctx.timerService());
        } else if (current != list.watchers()) {
            store(current, list.sweepAt(), ctx.timerService());
        }
    }

    /** Stores the list and keeps one clean-up timer at its next sweep. */
    private void store(List<Watch> next, long armedAt, TimerService timers) throws Exception {
        if (next.isEmpty()) {
            watchers.clear();
            disarm(armedAt, timers);
            return;
        }
        long sweep = logic.nextSweep(next);
        if (sweep != armedAt) {
            disarm(armedAt, timers);
            timers.registerEventTimeTimer(sweep);
        }
        watchers.update(new WatchList(next, sweep));
    }

    /**
     * The item's version at event time {@code t}: the newest waiting change at or before {@code t}, else the applied
     * one. A view can arrive before event time reached a change older than the view (in a replay the catalog holds
     * event time back until it is read), and must see that change.
     */
    private ItemStatus statusAt(long t) throws Exception {
        ItemStatus applied = status.value();
        CatalogItem newest = null;
        for (Map.Entry<Long, CatalogItem> c : changes.entries()) {
            if (c.getKey() <= t && (newest == null || c.getKey() > newest.updatedAt())) {
                newest = c.getValue();
            }
        }
        if (newest == null || (applied != null && applied.updatedAt() > newest.updatedAt())) {
            return applied;
        }
        return ItemStatus.of(newest);
    }

    /** Deletes the sweep timer, unless a waiting catalog change or view shares its time (one timer serves all). */
    private void disarm(long armedAt, TimerService timers) throws Exception {
        if (armedAt != Long.MAX_VALUE && !changes.contains(armedAt) && !views.contains(armedAt)) {
            timers.deleteEventTimeTimer(armedAt);
        }
    }

    private WatchList list() throws Exception {
        WatchList l = watchers.value();
        return l == null ? WatchList.EMPTY : l;
    }

    private List<CampaignDefinition> campaigns(ReadOnlyBroadcastState<String, CampaignDefinition> defs)
            throws Exception {
        return CampaignsInForce.of(initial, defs.immutableEntries());
    }

    // ---- broadcast input: campaigns and erasures ----

    @Override
    public void processBroadcastElement(ControlMessage m, Context ctx, Collector<UserSignal> out) throws Exception {
        if (m.erasedUser() != null) {
            String user = m.erasedUser();
            // the fallback, for users the watch index cannot vouch for (see WatchIndexFunction): every item
            ctx.applyToKeyedState(watchersDescriptor(), (item, state) -> {
                erasureVisits.inc();
                WatchList l = state.value();
                if (l != null && l.watchers().stream().anyMatch(w -> w.userId().equals(user))) {
                    List<Watch> rest = ItemWatchers.erase(l.watchers(), user);
                    // the sweep timer stays armed; it finds fewer (or no) entries
                    state.update(rest.isEmpty() ? null : new WatchList(rest, l.sweepAt()));
                }
            });
            ctx.applyToKeyedState(viewsDescriptor(), (item, state) -> eraseViews(state, user));
            return;
        }
        if (m.campaign() == null) {
            return;
        }
        CampaignDefinition d = m.campaign().definition();
        BroadcastState<String, CampaignDefinition> defs = ctx.getBroadcastState(Descriptors.CAMPAIGNS);
        CampaignsInForce.Update u =
                CampaignsInForce.update(defs.contains(d.id()) ? defs.get(d.id()) : initial.get(d.id()), d);
        if (u.apply()) {
            defs.put(d.id(), d);
        }
    }
}
