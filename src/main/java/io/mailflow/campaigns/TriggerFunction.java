package io.mailflow.campaigns;

import io.mailflow.model.CampaignStatus;
import io.mailflow.common.Tags;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import io.mailflow.model.LineItem;
import io.mailflow.model.SessionSummary;
import io.mailflow.recommendations.SessionItems;
import io.mailflow.scoring.PropensityScore;
import io.mailflow.segmentation.SegmentAssignment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The campaign trigger engine: evaluates every campaign in broadcast state against each user's
 * sessions, events, segment and score, in keyed state with event-time timers, and emits an
 * {@link EmailRequest} that says why it exists (campaign, variant, trigger, segment and score with
 * model versions, recommendations).
 *
 * <p>A fired trigger becomes a {@link Pending} with a timer at its due time; the decision is taken in
 * the timer, once the watermark of every input has passed it, so all rules depend on event time only
 * and a replay decides exactly as the live run did. At the due time the campaign must still be active
 * (pause and delete take effect on pending triggers too), the trigger must not be cancelled (see
 * {@link TriggerType}), and the user must be in the audience. Campaign changes arrive on the broadcast
 * input and take effect for every later decision.
 *
 * <p>State is cleared as it stops mattering: a pending trigger when it fires or is superseded; cart and
 * purchase times (kept to cancel triggers) after the longest delay plus the session gap; view tallies
 * when their browsing window ends; the win-back clock after its last campaign fired; user facts and
 * purchased items {@code userStateTtlMs} after their last update; a Thompson exposure at conversion or
 * the end of its attribution window. All by event-time timers.
 */
public final class TriggerFunction extends KeyedBroadcastProcessFunction<String, UserSignal, ControlMessage, EmailRequest>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    static final int CART = 1;
    static final int PURCHASE = 2;
    private static final long MINUTE = 60_000L;

    private final TriggerSettings settings;
    private final Map<String, CampaignDefinition> initial;
    private transient MapState<String, Pending> pending;
    private transient MapState<Long, Integer> activity;
    private transient MapState<String, ViewTally> views;
    private transient ValueState<Long> lastActivity;
    private transient ValueState<UserFacts> facts;
    private transient MapState<String, Long> purchased;
    private transient ValueState<Exposure> exposure;
    private transient ListState<VariantStats> statsState;
    private transient Map<String, VariantStats> stats;
    private transient Counter triggered;
    private transient Counter cancelled;
    private transient Counter skipped;

    /**
     * @param initial definitions in force from the first record (the {@code campaigns.file}); an update of
     *     the same id on the broadcast input overrides them, a deletion is kept in broadcast state as a tombstone
     */
    public TriggerFunction(TriggerSettings settings, List<CampaignDefinition> initial) {
        this.settings = settings;
        this.initial = new HashMap<>();
        initial.forEach(c -> this.initial.put(c.id(), c));
    }

    @Override
    public void open(OpenContext ctx) {
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-triggers", Types.STRING, Types.POJO(Pending.class)));
        activity = getRuntimeContext().getMapState(new MapStateDescriptor<>("cart-purchase-times", Types.LONG, Types.INT));
        views = getRuntimeContext().getMapState(new MapStateDescriptor<>("view-tallies", Types.STRING, Types.POJO(ViewTally.class)));
        lastActivity = getRuntimeContext().getState(new ValueStateDescriptor<>("last-activity", Types.LONG));
        facts = getRuntimeContext().getState(new ValueStateDescriptor<>("user-facts", Types.POJO(UserFacts.class)));
        purchased = getRuntimeContext().getMapState(new MapStateDescriptor<>("purchased-items", Types.STRING, Types.LONG));
        exposure = getRuntimeContext().getState(new ValueStateDescriptor<>("exposure", Types.POJO(Exposure.class)));
        triggered = getRuntimeContext().getMetricGroup().counter("campaignTriggered");
        cancelled = getRuntimeContext().getMetricGroup().counter("campaignCancelled");
        skipped = getRuntimeContext().getMetricGroup().counter("campaignSkipped");
    }

    // ---- keyed input ----

    @Override
    public void processElement(UserSignal s, ReadOnlyContext ctx, Collector<EmailRequest> out) throws Exception {
        if (s.erase()) {
            forget();
            return;
        }
        List<CampaignDefinition> campaigns = campaigns(ctx.getBroadcastState(Descriptors.CAMPAIGNS));
        if (campaigns.isEmpty()) {
            return;
        }
        if (s.session() != null) {
            onSession(s.session(), campaigns, ctx);
        } else if (s.event() != null) {
            onEvent(s.event(), campaigns, ctx);
        } else if (s.segment() != null) {
            onSegment(s.segment(), campaigns, ctx);
        } else if (s.score() != null) {
            onScore(s.score(), campaigns, ctx);
        } else if (s.features() != null) {
            updateFacts(current().withFeatures(s.features().vector(), s.features().asOf()), ctx);
        }
    }

    /**
     * GDPR erasure: drops every piece of this user's state, pending triggers included. Timers cannot be
     * listed, so those already registered stay and find nothing when they fire.
     */
    private void forget() {
        pending.clear();
        activity.clear();
        views.clear();
        lastActivity.clear();
        facts.clear();
        purchased.clear();
        exposure.clear();
    }

    private void onSession(SessionSummary s, List<CampaignDefinition> campaigns, ReadOnlyContext ctx) throws Exception {
        long end = s.end();
        updateFacts(current().withRecentItems(SessionItems.of(s, 20).items(), end), ctx);
        boolean winBack = false;
        for (CampaignDefinition c : campaigns) {
            if (!c.liveAt(end)) {
                continue;
            }
            switch (c.trigger().type()) {
                case ABANDONED_CART -> {
                    if (s.abandonedCart()) {
                        scheduleNewest(new Pending(c.id(), TriggerType.ABANDONED_CART.name(), s.sessionKey(), end,
                                end + delay(c), s.cartItems(), s.currency()), ctx);
                    }
                }
                case POST_PURCHASE -> {
                    if (s.purchases() > 0) {
                        List<LineItem> bought = new ArrayList<>();
                        for (String item : s.purchasedItems()) {
                            bought.add(new LineItem(item, null, null, 1, end));
                        }
                        scheduleNewest(new Pending(c.id(), TriggerType.POST_PURCHASE.name(), s.sessionKey(), end,
                                end + delay(c), bought, s.currency()), ctx);
                    }
                }
                case WIN_BACK -> winBack = true;
                default -> { }
            }
        }
        if (winBack) {
            Long prev = lastActivity.value();
            if (prev == null || end > prev) {
                lastActivity.update(end);
                for (CampaignDefinition c : campaigns) {
                    if (c.liveAt(end) && c.trigger().type() == TriggerType.WIN_BACK) {
                        if (prev != null) {
                            deleteTimerIfUnused(prev + winBackAfter(c), ctx);
                        }
                        ctx.timerService().registerEventTimeTimer(end + winBackAfter(c));
                    }
                }
            }
        }
    }

    private void onEvent(Event e, List<CampaignDefinition> campaigns, ReadOnlyContext ctx) throws Exception {
        long t = e.timestamp();
        if (e.type() == EventType.PURCHASE) {
            convert(t);
            if (e.itemId() != null) {
                purchased.put(e.itemId(), t);
                ctx.timerService().registerEventTimeTimer(ceilMinute(t + settings.userStateTtlMs()));
            }
        }
        if (e.type() == EventType.ADD_TO_CART || e.type() == EventType.PURCHASE) {
            long retention = activityRetention(campaigns);
            if (retention > 0) {
                Integer flags = activity.get(t);
                activity.put(t, (flags == null ? 0 : flags) | (e.type() == EventType.PURCHASE ? PURCHASE : CART));
                ctx.timerService().registerEventTimeTimer(ceilMinute(t + retention));
            }
        }
        if (e.type() == EventType.VIEW) {
            for (CampaignDefinition c : campaigns) {
                if (c.liveAt(t) && c.trigger().type() == TriggerType.BROWSE_ABANDONMENT) {
                    countView(c, e, ctx);
                }
            }
        }
    }

    /** Browse abandonment: the {@code minViews}-th view of an item (or category) within the window fires once per episode. */
    private void countView(CampaignDefinition c, Event e, ReadOnlyContext ctx) throws Exception {
        TriggerSpec spec = c.trigger();
        String subject = spec.scope().equals("category") ? e.categoryId() : e.itemId();
        if (subject == null) {
            return;
        }
        String key = c.id() + "|" + subject;
        long t = e.timestamp();
        ViewTally v = views.get(key);
        ViewTally next = v == null || t - v.last() > spec.windowMs()
                ? new ViewTally(1, t, t, e.itemId(), e.categoryId(), e.price())
                : new ViewTally(v.count() + 1, v.first(), Math.max(v.last(), t), e.itemId(), e.categoryId(), e.price());
        views.put(key, next);
        ctx.timerService().registerEventTimeTimer(ceilMinute(next.last() + spec.windowMs()));
        if (next.count() == spec.minViews()) {
            List<LineItem> items = e.itemId() == null ? List.of() : List.of(new LineItem(e.itemId(), e.categoryId(), e.price(), 1, t));
            schedule(new Pending(c.id(), TriggerType.BROWSE_ABANDONMENT.name(), subject + "@" + next.first(), next.first(),
                    t + spec.delayMs(), items, e.currency()), ctx);
        }
    }

    private void onSegment(SegmentAssignment a, List<CampaignDefinition> campaigns, ReadOnlyContext ctx) throws Exception {
        UserFacts before = current();
        updateFacts(before.withSegment(a.segment(), a.modelVersion(), a.asOf()), ctx);
        Integer prev = before.segment();
        if (prev != null && prev == a.segment()) {
            return;
        }
        for (CampaignDefinition c : campaigns) {
            if (c.liveAt(a.asOf()) && c.trigger().type() == TriggerType.SEGMENT_ENTRY) {
                List<Integer> targets = c.trigger().segments();
                boolean entered = targets.isEmpty() ? prev != null : targets.contains(a.segment());
                if (entered) {
                    schedule(new Pending(c.id(), TriggerType.SEGMENT_ENTRY.name(), "segment-" + a.segment() + "@" + a.asOf(),
                            a.asOf(), a.asOf() + c.trigger().delayMs(), List.of(), null), ctx);
                }
            }
        }
    }

    private void onScore(PropensityScore p, List<CampaignDefinition> campaigns, ReadOnlyContext ctx) throws Exception {
        UserFacts before = current();
        updateFacts(before.withScore(p.score(), p.modelVersion(), p.timestamp()), ctx);
        if (before.score() == null) {
            return; // a crossing needs a previous score
        }
        for (CampaignDefinition c : campaigns) {
            if (c.liveAt(p.timestamp()) && c.trigger().type() == TriggerType.SCORE_THRESHOLD) {
                double th = c.trigger().threshold();
                boolean crossed = c.trigger().direction().equals("down")
                        ? before.score() >= th && p.score() < th
                        : before.score() < th && p.score() >= th;
                if (crossed) {
                    schedule(new Pending(c.id(), TriggerType.SCORE_THRESHOLD.name(), "score@" + p.timestamp(),
                            p.timestamp(), p.timestamp() + c.trigger().delayMs(), List.of(), null), ctx);
                }
            }
        }
    }

    // ---- scheduling ----

    /**
     * One e-mail for the newest of a campaign's facts: a fact that ends before an older one's e-mail is
     * due supersedes it, and a late fact older than a pending newer one is ignored (the abandoned-cart
     * rule of the walking skeleton, for every campaign of this kind).
     */
    private void scheduleNewest(Pending p, ReadOnlyContext ctx) throws Exception {
        List<Pending> superseded = new ArrayList<>();
        for (Pending q : pending.values()) {
            if (!q.campaignId().equals(p.campaignId())) {
                continue;
            }
            if (q.anchor() > p.anchor() && q.anchor() < p.dueAt()) {
                return;
            }
            if (q.anchor() < p.anchor() && p.anchor() < q.dueAt()) {
                superseded.add(q);
            }
        }
        for (Pending q : superseded) {
            pending.remove(q.key());
            deleteTimerIfUnused(q.dueAt(), ctx);
        }
        schedule(p, ctx);
    }

    private void schedule(Pending p, ReadOnlyContext ctx) throws Exception {
        pending.put(p.key(), p);
        ctx.timerService().registerEventTimeTimer(p.dueAt());
    }

    private void deleteTimerIfUnused(long t, ReadOnlyContext ctx) throws Exception {
        for (Pending q : pending.values()) {
            if (q.dueAt() == t) {
                return;
            }
        }
        ctx.timerService().deleteEventTimeTimer(t);
    }

    // ---- decisions ----

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EmailRequest> out) throws Exception {
        ReadOnlyBroadcastState<String, CampaignDefinition> defs = ctx.getBroadcastState(Descriptors.CAMPAIGNS);
        List<Pending> due = new ArrayList<>();
        for (Pending p : pending.values()) {
            if (p.dueAt() == timestamp) {
                due.add(p);
            }
        }
        due.sort(Comparator.comparing(Pending::key));
        for (Pending p : due) {
            pending.remove(p.key());
            // the definition in force now: a pause or deletion since the trigger fired cancels it
            CampaignDefinition c = defs.get(p.campaignId());
            decide(p, c != null ? c : initial.get(p.campaignId()), timestamp, ctx, out);
        }
        Long last = lastActivity.value();
        if (last != null) {
            long latest = Long.MIN_VALUE;
            for (CampaignDefinition c : campaigns(defs)) {
                if (c.trigger().type() == TriggerType.WIN_BACK) {
                    latest = Math.max(latest, last + winBackAfter(c));
                    if (last + winBackAfter(c) == timestamp) {
                        decide(new Pending(c.id(), TriggerType.WIN_BACK.name(), "inactive-since@" + last, last, timestamp,
                                List.of(), null), c, timestamp, ctx, out);
                    }
                }
            }
            if (timestamp >= latest) {
                lastActivity.clear();
            }
        }
        housekeeping(timestamp, campaigns(defs));
    }

    private void decide(Pending p, CampaignDefinition c, long now, OnTimerContext ctx, Collector<EmailRequest> out) throws Exception {
        if (c == null || !c.liveAt(now)) {
            skipped.inc();
            return;
        }
        TriggerType type = c.trigger().type();
        if ((type == TriggerType.ABANDONED_CART && activityBetween(p.anchor(), now, PURCHASE))
                || (type == TriggerType.BROWSE_ABANDONMENT && activityBetween(p.anchor(), now, CART | PURCHASE))) {
            cancelled.inc();
            return;
        }
        UserFacts f = current();
        if (!c.audience().matches(f)) {
            skipped.inc();
            return;
        }
        String user = ctx.getCurrentKey();
        ReadOnlyBroadcastState<String, io.mailflow.recommendations.RecoList> model = ctx.getBroadcastState(Descriptors.RECOMMENDATIONS);
        List<String> exclude = new ArrayList<>();
        for (String item : purchased.keys()) {
            exclude.add(item);
        }
        EmailRequest r = RequestFactory.create(c, p, user, now, f, exclude, key -> {
            try {
                return model.get(key);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, settings, stats);
        if (!r.holdout() && c.thompson()) {
            VariantStats s = stats.getOrDefault(c.id() + "|" + r.variant(), new VariantStats(c.id(), r.variant(), 0, 0));
            stats.put(s.key(), new VariantStats(c.id(), r.variant(), s.exposures() + 1, s.conversions()));
            exposure.update(new Exposure(c.id(), r.variant(), now));
            ctx.timerService().registerEventTimeTimer(now + settings.attributionWindowMs());
        }
        triggered.inc();
        out.collect(r);
    }

    private void convert(long t) throws Exception {
        Exposure x = exposure.value();
        if (x != null && t > x.at() && t <= x.at() + settings.attributionWindowMs()) {
            VariantStats s = stats.getOrDefault(x.campaignId() + "|" + x.variant(), new VariantStats(x.campaignId(), x.variant(), 0, 0));
            stats.put(s.key(), new VariantStats(s.campaignId(), s.variant(), s.exposures(), s.conversions() + 1));
            exposure.clear();
        }
    }

    private boolean activityBetween(long afterExclusive, long untilInclusive, int mask) throws Exception {
        for (Map.Entry<Long, Integer> e : activity.entries()) {
            if (e.getKey() > afterExclusive && e.getKey() <= untilInclusive && (e.getValue() & mask) != 0) {
                return true;
            }
        }
        return false;
    }

    private void housekeeping(long now, List<CampaignDefinition> campaigns) throws Exception {
        long retention = activityRetention(campaigns);
        List<Long> oldTimes = new ArrayList<>();
        for (Long t : activity.keys()) {
            if (t + retention <= now) {
                oldTimes.add(t);
            }
        }
        for (Long t : oldTimes) {
            activity.remove(t);
        }
        Map<String, Long> windows = new HashMap<>();
        campaigns.forEach(c -> windows.put(c.id(), c.trigger().windowMs()));
        List<String> oldTallies = new ArrayList<>();
        for (Map.Entry<String, ViewTally> e : views.entries()) {
            Long w = windows.get(e.getKey().substring(0, e.getKey().indexOf('|')));
            if (w == null || e.getValue().last() + w <= now) {
                oldTallies.add(e.getKey());
            }
        }
        for (String k : oldTallies) {
            views.remove(k);
        }
        UserFacts f = facts.value();
        if (f != null && f.updatedAt() + settings.userStateTtlMs() <= now) {
            facts.clear();
        }
        List<String> oldItems = new ArrayList<>();
        for (Map.Entry<String, Long> e : purchased.entries()) {
            if (e.getValue() + settings.userStateTtlMs() <= now) {
                oldItems.add(e.getKey());
            }
        }
        for (String k : oldItems) {
            purchased.remove(k);
        }
        Exposure x = exposure.value();
        if (x != null && x.at() + settings.attributionWindowMs() <= now) {
            exposure.clear();
        }
    }

    // ---- helpers ----

    private UserFacts current() throws Exception {
        UserFacts f = facts.value();
        return f == null ? UserFacts.empty() : f;
    }

    private void updateFacts(UserFacts f, ReadOnlyContext ctx) throws Exception {
        facts.update(f);
        ctx.timerService().registerEventTimeTimer(ceilMinute(f.updatedAt() + settings.userStateTtlMs()));
    }

    private long delay(CampaignDefinition c) {
        return c.trigger().delayMs() < 0 ? settings.defaultCartDelayMs() : c.trigger().delayMs();
    }

    private static long winBackAfter(CampaignDefinition c) {
        return c.trigger().inactivityMs() + c.trigger().delayMs();
    }

    /** How long cart and purchase times must be kept: the longest wait of a campaign they can cancel, plus the gap. */
    private long activityRetention(List<CampaignDefinition> campaigns) {
        long longest = -1;
        for (CampaignDefinition c : campaigns) {
            if (c.trigger().type() == TriggerType.ABANDONED_CART) {
                longest = Math.max(longest, delay(c));
            } else if (c.trigger().type() == TriggerType.BROWSE_ABANDONMENT) {
                longest = Math.max(longest, c.trigger().delayMs() + c.trigger().windowMs());
            }
        }
        return longest < 0 ? 0 : longest + settings.sessionGapMs();
    }

    /** Housekeeping timers are rounded up to the minute, so that a burst of events shares one timer. */
    private static long ceilMinute(long t) {
        return Math.floorDiv(t + MINUTE - 1, MINUTE) * MINUTE;
    }

    /** The campaigns in force and not deleted: the initial ones, overridden by broadcast state, by id. */
    private List<CampaignDefinition> campaigns(ReadOnlyBroadcastState<String, CampaignDefinition> state) throws Exception {
        Map<String, CampaignDefinition> all = new HashMap<>(initial);
        for (Map.Entry<String, CampaignDefinition> e : state.immutableEntries()) {
            all.put(e.getKey(), e.getValue());
        }
        List<CampaignDefinition> out = new ArrayList<>();
        for (CampaignDefinition c : all.values()) {
            if (!c.status().equals(CampaignDefinition.DELETED)) {
                out.add(c);
            }
        }
        out.sort(Comparator.comparing(CampaignDefinition::id));
        return out;
    }

    // ---- broadcast input ----

    @Override
    public void processBroadcastElement(ControlMessage m, Context ctx, Collector<EmailRequest> out) throws Exception {
        if (m.reco() != null) {
            ctx.getBroadcastState(Descriptors.RECOMMENDATIONS).put(m.reco().key(), m.reco());
            return;
        }
        CampaignDefinition d = m.campaign().definition();
        BroadcastState<String, CampaignDefinition> state = ctx.getBroadcastState(Descriptors.CAMPAIGNS);
        CampaignDefinition current = state.contains(d.id()) ? state.get(d.id()) : initial.get(d.id());
        String status;
        String reason = "";
        if (current != null && d.version() < current.version()) {
            status = CampaignStatus.STALE;
            reason = "version " + d.version() + " is older than the running version " + current.version();
        } else {
            // a deletion stays as a tombstone so that an initial definition of the same id does not come back
            state.put(d.id(), d);
            status = d.status().toUpperCase(java.util.Locale.ROOT);
        }
        // Every parallel instance applies the update at its own moment and reports it, so that a caller
        // can tell when the whole job runs the new definition (events keyed to an instance that has not
        // applied it yet are still judged by the old one).
        ctx.output(Tags.CAMPAIGN_STATUS, new CampaignStatus(d.id(), d.version(), status, reason, m.campaign().source(),
                System.currentTimeMillis(), getRuntimeContext().getTaskInfo().getIndexOfThisSubtask()));
    }

    // ---- operator state: Thompson-sampling counts of this parallel instance ----

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        statsState.update(new ArrayList<>(stats.values()));
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        statsState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("variant-stats", Types.POJO(VariantStats.class)));
        stats = new HashMap<>();
        for (VariantStats s : statsState.get()) {
            stats.merge(s.key(), s, (a, b) -> new VariantStats(a.campaignId(), a.variant(),
                    a.exposures() + b.exposures(), a.conversions() + b.conversions()));
        }
    }
}
