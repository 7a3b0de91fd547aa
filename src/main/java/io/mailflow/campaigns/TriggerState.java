package io.mailflow.campaigns;

import io.mailflow.campaigns.rules.Activity;
import io.mailflow.campaigns.rules.Housekeeping;
import io.mailflow.campaigns.rules.ThompsonStats;
import io.mailflow.campaigns.rules.WinBackRule;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.TimerService;

/**
 * The current user's keyed state in {@link TriggerFunction} (the operator declares it; names and types are
 * in savepoints), and its upkeep: what to record from an event, the win-back clock, erasure and the
 * clean-up {@link Housekeeping} asks for. Every piece gets an event-time timer at which it may expire.
 */
final class TriggerState {
    final PendingTriggers pending;
    /** Event time of each cart and purchase to its {@link Activity} flags, kept to cancel abandonment triggers. */
    final MapState<Long, Integer> activity;

    final MapState<String, ViewTally> views;
    /** End of the latest session: the start of the win-back clock. */
    final ValueState<Long> lastActivity;

    final ValueState<UserFacts> facts;
    /** Item to purchase time: never recommended while remembered. */
    final MapState<String, Long> purchased;
    /** The latest Thompson-sampled request, waiting for its conversion. */
    final ValueState<Exposure> exposure;

    private final Housekeeping housekeeping;

    TriggerState(
            PendingTriggers pending,
            MapState<Long, Integer> activity,
            MapState<String, ViewTally> views,
            ValueState<Long> lastActivity,
            ValueState<UserFacts> facts,
            MapState<String, Long> purchased,
            ValueState<Exposure> exposure,
            Housekeeping housekeeping) {
        this.pending = pending;
        this.activity = activity;
        this.views = views;
        this.lastActivity = lastActivity;
        this.facts = facts;
        this.purchased = purchased;
        this.exposure = exposure;
        this.housekeeping = housekeeping;
    }

    /** The user's facts, empty if none are kept. */
    UserFacts facts() throws Exception {
        UserFacts f = facts.value();
        return f == null ? UserFacts.empty() : f;
    }

    void updateFacts(UserFacts f, TimerService timers) throws Exception {
        facts.update(f);
        timers.registerEventTimeTimer(Housekeeping.ceilMinute(housekeeping.userStateExpiry(f.updatedAt())));
    }

    Activity activity() throws Exception {
        return Activity.of(activity.entries());
    }

    List<String> purchasedItems() throws Exception {
        List<String> items = new ArrayList<>();
        purchased.keys().forEach(items::add);
        return items;
    }

    /**
     * A purchase converts a Thompson exposure and is not recommended again; carts and purchases are kept as
     * long as a campaign can be cancelled by them.
     */
    void record(Event e, List<CampaignDefinition> campaigns, ThompsonStats stats, TimerService timers)
            throws Exception {
        long t = e.timestamp();
        if (e.type() == EventType.PURCHASE) {
            if (stats.convert(exposure.value(), t)) {
                exposure.clear();
            }
            if (e.itemId() != null) {
                purchased.put(e.itemId(), t);
                timers.registerEventTimeTimer(Housekeeping.ceilMinute(housekeeping.userStateExpiry(t)));
            }
        }
        if (e.type() == EventType.ADD_TO_CART || e.type() == EventType.PURCHASE) {
            long retention = housekeeping.activityRetentionMs(campaigns);
            if (retention > 0) {
                activity.put(t, Activity.record(activity.get(t), e.type() == EventType.PURCHASE));
                timers.registerEventTimeTimer(Housekeeping.ceilMinute(t + retention));
            }
        }
    }

    /** A session that ended at {@code end} restarts the win-back clock: one timer per live win-back campaign. */
    void restartWinBackClock(long end, List<CampaignDefinition> campaigns, TimerService timers) throws Exception {
        Long prev = lastActivity.value();
        for (CampaignDefinition c : WinBackRule.live(campaigns, end)) {
            lastActivity.update(end);
            if (prev != null) {
                pending.deleteTimerIfUnused(WinBackRule.dueAt(c, prev), timers);
            }
            timers.registerEventTimeTimer(WinBackRule.dueAt(c, end));
        }
    }

    /** A Thompson-sampled request at {@code now}: it waits for a conversion until the attribution window ends. */
    void exposed(Exposure x, TimerService timers) throws Exception {
        exposure.update(x);
        timers.registerEventTimeTimer(housekeeping.exposureExpiry(x.at()));
    }

    /**
     * GDPR erasure: drops every piece of this user's state, pending triggers included. Timers cannot be
     * listed, so those already registered stay and find nothing when they fire.
     */
    void forget() {
        pending.clear();
        activity.clear();
        views.clear();
        lastActivity.clear();
        facts.clear();
        purchased.clear();
        exposure.clear();
    }

    /** Drops whatever stopped mattering at {@code now}. */
    void cleanUp(long now, List<CampaignDefinition> campaigns) throws Exception {
        for (Long t : housekeeping.expiredActivity(activity.entries(), campaigns, now)) {
            activity.remove(t);
        }
        for (String k : housekeeping.expiredTallies(views.entries(), campaigns, now)) {
            views.remove(k);
        }
        if (housekeeping.factsExpired(facts.value(), now)) {
            facts.clear();
        }
        for (String k : housekeeping.expiredItems(purchased.entries(), now)) {
            purchased.remove(k);
        }
        if (housekeeping.exposureExpired(exposure.value(), now)) {
            exposure.clear();
        }
    }
}
