package io.mailflow.campaigns;

import io.mailflow.campaigns.rules.Activity;
import io.mailflow.campaigns.rules.BanditCounts;
import io.mailflow.campaigns.rules.Housekeeping;
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
 * clean-up {@link Housekeeping} asks for. The user has one housekeeping timer, at the earliest time any
 * piece may expire ({@link Housekeeping#nextExpiry}); the decision timers (pending triggers, win-back) are
 * separate, and a housekeeping timer that shares their time is never deleted.
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
    /** The time of the user's one housekeeping timer, if one is set. */
    final ValueState<Long> housekeepingAt;
    /**
     * Scheduled campaign id to the key of the last occurrence it sent the user (one entry per scheduled campaign,
     * overwritten by the next occurrence; cleared on erasure and when the profile withdraws consent).
     */
    final MapState<String, String> scheduled;
    /** The profile's time zone ("" for none) if the user is a recipient of scheduled sends, else null. */
    final ValueState<String> zone;
    /** Uplift-targeted decisions waiting for their outcome (one per campaign). */
    final UpliftOutcomes uplift;

    private final Housekeeping housekeeping;

    TriggerState(
            PendingTriggers pending,
            MapState<Long, Integer> activity,
            MapState<String, ViewTally> views,
            ValueState<Long> lastActivity,
            ValueState<UserFacts> facts,
            MapState<String, Long> purchased,
            ValueState<Exposure> exposure,
            ValueState<Long> housekeepingAt,
            MapState<String, String> scheduled,
            ValueState<String> zone,
            UpliftOutcomes uplift,
            Housekeeping housekeeping) {
        this.pending = pending;
        this.activity = activity;
        this.views = views;
        this.lastActivity = lastActivity;
        this.facts = facts;
        this.purchased = purchased;
        this.exposure = exposure;
        this.housekeepingAt = housekeepingAt;
        this.scheduled = scheduled;
        this.zone = zone;
        this.uplift = uplift;
        this.housekeeping = housekeeping;
        pending.keepTimersAt(t -> {
            try {
                return Long.valueOf(t).equals(housekeepingAt.value()) || uplift.dueAt(t);
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the housekeeping timer", e);
            }
        });
    }

    /** The user's facts, empty if none are kept. */
    UserFacts facts() throws Exception {
        UserFacts f = facts.value();
        return f == null ? UserFacts.empty() : f;
    }

    void updateFacts(UserFacts f, List<CampaignDefinition> campaigns, TimerService timers) throws Exception {
        facts.update(f);
        cleanUpAt(housekeeping.userStateExpiry(f.updatedAt()), campaigns, timers);
    }

    /**
     * Something kept now may expire at {@code t}: moves the user's one housekeeping timer forward if {@code t}
     * is earlier (the old timer is deleted unless a decision is due at its time); otherwise the timer already
     * set fires first and sets the next one.
     */
    void cleanUpAt(long t, List<CampaignDefinition> campaigns, TimerService timers) throws Exception {
        long at = Housekeeping.ceilMinute(t);
        Long current = housekeepingAt.value();
        if (!Housekeeping.moveTimer(current, at)) {
            return;
        }
        if (current != null && !decisionDueAt(current, campaigns)) {
            timers.deleteEventTimeTimer(current);
        }
        housekeepingAt.update(at);
        timers.registerEventTimeTimer(at);
    }

    /** After the timers of {@code now}: sets the housekeeping timer to the next expiry of what is left, if any. */
    void rearm(long now, List<CampaignDefinition> campaigns, TimerService timers) throws Exception {
        Long current = housekeepingAt.value();
        if (current != null && current <= now) {
            housekeepingAt.clear(); // it fired
        }
        long next = housekeeping.nextExpiry(
                activity.entries(),
                views.entries(),
                facts.value(),
                purchased.entries(),
                exposure.value(),
                campaigns,
                now);
        if (next != Long.MAX_VALUE) {
            cleanUpAt(Math.max(next, now + 1), campaigns, timers);
        }
    }

    /** Whether a pending trigger or a win-back clock is due at {@code t} (its timer must stay). */
    private boolean decisionDueAt(long t, List<CampaignDefinition> campaigns) throws Exception {
        if (pending.isDueAt(t) || uplift.dueAt(t)) {
            return true;
        }
        Long last = lastActivity.value();
        return last != null && !WinBackRule.due(campaigns, last, t).isEmpty();
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
    void record(Event e, List<CampaignDefinition> campaigns, BanditCounts stats, TimerService timers) throws Exception {
        long t = e.timestamp();
        if (e.type() == EventType.PURCHASE) {
            if (stats.convert(exposure.value(), t)) {
                exposure.clear();
            }
            if (e.itemId() != null) {
                purchased.put(e.itemId(), t);
                cleanUpAt(housekeeping.userStateExpiry(t), campaigns, timers);
            }
        }
        if (e.type() == EventType.ADD_TO_CART || e.type() == EventType.PURCHASE) {
            long retention = housekeeping.activityRetentionMs(campaigns);
            if (retention > 0) {
                activity.put(t, Activity.record(activity.get(t), e.type() == EventType.PURCHASE));
                cleanUpAt(t + retention, campaigns, timers);
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

    /**
     * A Thompson-sampled request at {@code now}: it waits for a conversion until the attribution window ends
     * (decided in a timer, after which {@link #rearm} covers its expiry).
     */
    void exposed(Exposure x) throws Exception {
        exposure.update(x);
    }

    /**
     * GDPR erasure: drops every piece of this user's state, pending triggers included. Timers cannot be
     * listed, so those already registered stay and find nothing when they fire (at most the housekeeping
     * timer, the pending triggers' and the win-back clocks').
     */
    void forget() {
        housekeepingAt.clear();
        pending.clear();
        activity.clear();
        views.clear();
        lastActivity.clear();
        facts.clear();
        purchased.clear();
        exposure.clear();
        scheduled.clear();
        zone.clear();
        uplift.clear();
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
