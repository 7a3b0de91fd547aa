package io.mailflow.campaigns.rules;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Exposure;
import io.mailflow.campaigns.UserFacts;
import io.mailflow.campaigns.ViewTally;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * When each piece of the trigger operator's per-user state stops mattering (event time): cart and
 * purchase times after the longest wait they can cancel plus the session gap, view tallies when their
 * browsing window ends, user facts and purchased items {@code userStateTtlMs} after their last update,
 * a Thompson exposure at the end of its attribution window.
 *
 * <p>One housekeeping timer per user, not one per expiry: an active user would otherwise hold a timer per
 * active minute for the whole user-state TTL (90 days by default). The operator keeps a single timer at the
 * earliest time anything may expire ({@link #nextExpiry}); a new piece of state that expires earlier moves it
 * forward, one that expires later waits for it; when it fires, whatever expired is dropped and the timer is
 * set again to the next expiry of what is left.
 */
public final class Housekeeping {
    private static final long MINUTE = 60_000L;

    private final TriggerRules rules;
    private final long sessionGapMs;
    private final long userStateTtlMs;
    private final long attributionWindowMs;

    public Housekeeping(TriggerRules rules, long sessionGapMs, long userStateTtlMs, long attributionWindowMs) {
        this.rules = rules;
        this.sessionGapMs = sessionGapMs;
        this.userStateTtlMs = userStateTtlMs;
        this.attributionWindowMs = attributionWindowMs;
    }

    /** Housekeeping timers are rounded up to the minute, so that a burst of events shares one timer. */
    public static long ceilMinute(long t) {
        return Math.floorDiv(t + MINUTE - 1, MINUTE) * MINUTE;
    }

    /** How long cart and purchase times are kept (0: not at all), see {@link TriggerRules#activityRetentionMs}. */
    public long activityRetentionMs(List<CampaignDefinition> campaigns) {
        return rules.activityRetentionMs(campaigns, sessionGapMs);
    }

    /** When facts or a purchased item updated at {@code t} may be dropped. */
    public long userStateExpiry(long t) {
        return t + userStateTtlMs;
    }

    /** When an exposure at {@code t} stops waiting for its conversion. */
    public long exposureExpiry(long t) {
        return t + attributionWindowMs;
    }

    /** The cart and purchase times (keys of {@code activity}) that no campaign needs at {@code now}. */
    public List<Long> expiredActivity(
            Iterable<Map.Entry<Long, Integer>> activity, List<CampaignDefinition> campaigns, long now) {
        long retention = activityRetentionMs(campaigns);
        return expired(activity, (t, flags) -> t + retention <= now);
    }

    /** The view tallies whose browsing window ended at {@code now}, or whose campaign is gone. */
    public List<String> expiredTallies(
            Iterable<Map.Entry<String, ViewTally>> tallies, List<CampaignDefinition> campaigns, long now) {
        Map<String, Long> windows = new HashMap<>();
        campaigns.forEach(c -> windows.put(c.id(), c.trigger().windowMs()));
        return expired(tallies, (key, v) -> {
            Long w = windows.get(key.substring(0, key.indexOf('|')));
            return w == null || v.last() + w <= now;
        });
    }

    /** The purchased items (item to purchase time) to forget at {@code now}. */
    public List<String> expiredItems(Iterable<Map.Entry<String, Long>> purchased, long now) {
        return expired(purchased, (item, at) -> userStateExpiry(at) <= now);
    }

    public boolean factsExpired(UserFacts f, long now) {
        return f != null && userStateExpiry(f.updatedAt()) <= now;
    }

    public boolean exposureExpired(Exposure x, long now) {
        return x != null && exposureExpiry(x.at()) <= now;
    }

    /**
     * The earliest time, rounded up to the minute, at which any of the given state may expire; {@code
     * Long.MAX_VALUE} when nothing is kept. Tallies of a campaign that is gone expire at once ({@code now}).
     */
    public long nextExpiry(
            Iterable<Map.Entry<Long, Integer>> activity,
            Iterable<Map.Entry<String, ViewTally>> tallies,
            UserFacts facts,
            Iterable<Map.Entry<String, Long>> purchased,
            Exposure exposure,
            List<CampaignDefinition> campaigns,
            long now) {
        long next = Long.MAX_VALUE;
        long retention = activityRetentionMs(campaigns);
        for (Map.Entry<Long, Integer> a : activity) {
            next = Math.min(next, a.getKey() + retention);
        }
        Map<String, Long> windows = new HashMap<>();
        campaigns.forEach(c -> windows.put(c.id(), c.trigger().windowMs()));
        for (Map.Entry<String, ViewTally> t : tallies) {
            Long w = windows.get(t.getKey().substring(0, t.getKey().indexOf('|')));
            next = Math.min(next, w == null ? now : t.getValue().last() + w);
        }
        if (facts != null) {
            next = Math.min(next, userStateExpiry(facts.updatedAt()));
        }
        for (Map.Entry<String, Long> p : purchased) {
            next = Math.min(next, userStateExpiry(p.getValue()));
        }
        if (exposure != null) {
            next = Math.min(next, exposureExpiry(exposure.at()));
        }
        return next == Long.MAX_VALUE ? next : ceilMinute(Math.max(next, now));
    }

    /**
     * Whether a housekeeping timer at {@code current} (null: none) must move to {@code needed}: only when
     * {@code needed} is earlier. A later need waits for the current timer, which re-arms at the next expiry.
     */
    public static boolean moveTimer(Long current, long needed) {
        return current == null || needed < current;
    }

    private static <K, V> List<K> expired(Iterable<Map.Entry<K, V>> entries, BiPredicate<K, V> expired) {
        List<K> out = new ArrayList<>();
        for (Map.Entry<K, V> e : entries) {
            if (expired.test(e.getKey(), e.getValue())) {
                out.add(e.getKey());
            }
        }
        return out;
    }
}
