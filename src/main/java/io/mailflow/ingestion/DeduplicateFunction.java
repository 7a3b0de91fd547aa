package io.mailflow.ingestion;

import io.mailflow.model.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops events whose eventId this user has already sent within {@code ttl} of event time. Keyed by
 * userId, so the ids live next to the user's other state.
 *
 * <p>Ids are forgotten by one event-time timer per user rather than by state TTL: Flink's TTL on a map
 * state checks entries on every access (a profile of the whole job showed it as the largest cost after
 * the SMTP server), while a timer sweeps a user's ids once per TTL period. Event time also makes the
 * de-duplication of a replay identical to that of the live run.
 *
 * <p>The second input is the ids of erased users: their remembered ids are forgotten at once (a timer
 * already set stays and finds nothing).
 *
 * <p>Besides the TTL, at most {@code maxIdsPerUser} ids are remembered per user: one user (or one forged
 * producer) sending a flood of distinct ids within the TTL cannot grow the state without bound. When the
 * cap is exceeded the oldest ids (by event time) are forgotten first, down to 90% of the cap in one pass, so
 * that the eviction scan runs at most once per tenth of the cap. A duplicate of an evicted id passes again:
 * de-duplication is exact only for users under the cap.
 */
public final class DeduplicateFunction extends KeyedCoProcessFunction<String, Event, String, Event> {
    private static final long serialVersionUID = 1L;

    private final long ttlMs;
    private final int maxIdsPerUser;
    private transient MapState<String, Long> seen;
    private transient ValueState<Long> sweepAt;
    private transient ValueState<Integer> count;
    private transient Counter duplicates;
    private transient Counter evicted;

    /**
     * @param ttl how long (event time) an id is remembered
     * @param maxIdsPerUser most ids remembered per user; the oldest go first
     */
    public DeduplicateFunction(Duration ttl, int maxIdsPerUser) {
        if (maxIdsPerUser < 1) {
            throw new IllegalArgumentException("maxIdsPerUser must be positive: " + maxIdsPerUser);
        }
        this.ttlMs = ttl.toMillis();
        this.maxIdsPerUser = maxIdsPerUser;
    }

    /** The event ids seen per user, with the event time at which each may be forgotten. */
    public static MapStateDescriptor<String, Long> seenIdsDescriptor() {
        return new MapStateDescriptor<>("event-ids", Types.STRING, Types.LONG);
    }

    /** When the user's next sweep of old ids is due (its event-time timer). */
    public static ValueStateDescriptor<Long> sweepDescriptor() {
        return new ValueStateDescriptor<>("event-ids-sweep", Types.LONG);
    }

    /** How many ids are remembered for the user (kept so that the cap needs no scan). */
    public static ValueStateDescriptor<Integer> countDescriptor() {
        return new ValueStateDescriptor<>("event-ids-count", Types.INT);
    }

    @Override
    public void open(OpenContext ctx) {
        seen = getRuntimeContext().getMapState(seenIdsDescriptor());
        sweepAt = getRuntimeContext().getState(sweepDescriptor());
        count = getRuntimeContext().getState(countDescriptor());
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
        evicted = getRuntimeContext().getMetricGroup().counter("dedupIdsEvicted");
    }

    @Override
    public void processElement1(Event e, Context ctx, Collector<Event> out) throws Exception {
        if (seen.contains(e.eventId())) {
            duplicates.inc();
            return;
        }
        int n = count() + 1;
        seen.put(e.eventId(), e.timestamp());
        count.update(n > maxIdsPerUser ? evictOldest() : n);
        if (sweepAt.value() == null) {
            schedule(ctx.timerService(), e.timestamp() + ttlMs);
        }
        out.collect(e);
    }

    /** An erasure: the user's ids go. */
    @Override
    public void processElement2(String erasedUser, Context ctx, Collector<Event> out) {
        seen.clear();
        sweepAt.clear();
        count.clear();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Event> out) throws Exception {
        long horizon = timestamp - ttlMs;
        List<String> expired = new ArrayList<>();
        long oldestKept = Long.MAX_VALUE;
        for (Map.Entry<String, Long> id : seen.entries()) {
            if (id.getValue() <= horizon) {
                expired.add(id.getKey());
            } else {
                oldestKept = Math.min(oldestKept, id.getValue());
            }
        }
        for (String id : expired) {
            seen.remove(id);
        }
        int left = count() - expired.size();
        if (left > 0) {
            count.update(left);
        } else {
            count.clear();
        }
        sweepAt.clear();
        if (oldestKept != Long.MAX_VALUE) {
            schedule(ctx.timerService(), oldestKept + ttlMs);
        }
    }

    /** The number of ids remembered; counted once for state restored from before the count was kept. */
    private int count() throws Exception {
        Integer n = count.value();
        if (n != null) {
            return n;
        }
        int c = 0;
        for (String ignored : seen.keys()) {
            c++;
        }
        return c;
    }

    /** Forgets the oldest ids down to 90% of the cap; returns how many are left. */
    private int evictOldest() throws Exception {
        List<Map.Entry<String, Long>> all = new ArrayList<>();
        for (Map.Entry<String, Long> id : seen.entries()) {
            all.add(Map.entry(id.getKey(), id.getValue()));
        }
        all.sort(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
        int keep = Math.max(1, maxIdsPerUser - maxIdsPerUser / 10);
        int drop = all.size() - keep;
        for (int i = 0; i < drop; i++) {
            seen.remove(all.get(i).getKey());
        }
        evicted.inc(drop);
        return keep;
    }

    private void schedule(org.apache.flink.streaming.api.TimerService timers, long at) throws Exception {
        sweepAt.update(at);
        timers.registerEventTimeTimer(at);
    }
}
