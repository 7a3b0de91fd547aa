package io.mailflow.feedback;

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
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts each engagement event once: drops an event whose {@code eventId} this user's engagement already carried
 * within {@code ttl} of event time. The same event arrives twice when a provider retries a webhook whose answer it
 * did not see (SendGrid, SNS), when the tracking service replays its spool after a send that Kafka had in fact
 * written, or when a producer retries; without this a retried click is two clicks in the statistics, the features
 * and the attribution. Keyed by userId, like the rest of the feedback state.
 *
 * <p>Ids are forgotten by one event-time timer per user (as in {@code io.mailflow.ingestion.DeduplicateFunction}),
 * not by state TTL, so that a replay de-duplicates as the live run did; and at most {@code maxIdsPerUser} are kept:
 * beyond it the oldest (by event time) go first, down to 90% of the cap, so a flood of distinct ids cannot grow the
 * state. The state is not reached by erasure: it holds event ids only, and every id is gone one {@code ttl} after
 * its event (docs/security.md, "Erasure").
 */
public final class DeduplicateEngagementFunction
        extends KeyedProcessFunction<String, EngagementEvent, EngagementEvent> {
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
    public DeduplicateEngagementFunction(Duration ttl, int maxIdsPerUser) {
        if (maxIdsPerUser < 1) {
            throw new IllegalArgumentException("maxIdsPerUser must be positive: " + maxIdsPerUser);
        }
        this.ttlMs = ttl.toMillis();
        this.maxIdsPerUser = maxIdsPerUser;
    }

    /** The engagement event ids seen per user, with each one's event time. */
    public static MapStateDescriptor<String, Long> seenIdsDescriptor() {
        return new MapStateDescriptor<>("engagement-ids", Types.STRING, Types.LONG);
    }

    /** When the user's next sweep of old ids is due (its event-time timer). */
    public static ValueStateDescriptor<Long> sweepDescriptor() {
        return new ValueStateDescriptor<>("engagement-ids-sweep", Types.LONG);
    }

    /** How many ids are remembered for the user (kept so that the cap needs no scan). */
    public static ValueStateDescriptor<Integer> countDescriptor() {
        return new ValueStateDescriptor<>("engagement-ids-count", Types.INT);
    }

    @Override
    public void open(OpenContext ctx) {
        seen = getRuntimeContext().getMapState(seenIdsDescriptor());
        sweepAt = getRuntimeContext().getState(sweepDescriptor());
        count = getRuntimeContext().getState(countDescriptor());
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEngagementEvents");
        evicted = getRuntimeContext().getMetricGroup().counter("engagementDedupIdsEvicted");
    }

    @Override
    public void processElement(EngagementEvent e, Context ctx, Collector<EngagementEvent> out) throws Exception {
        if (seen.contains(e.eventId())) {
            duplicates.inc();
            return;
        }
        Integer known = count.value();
        int n = (known == null ? 0 : known) + 1;
        seen.put(e.eventId(), e.timestamp());
        count.update(n > maxIdsPerUser ? evictOldest() : n);
        if (sweepAt.value() == null) {
            schedule(ctx.timerService(), e.timestamp() + ttlMs);
        }
        out.collect(e);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EngagementEvent> out) throws Exception {
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
        Integer known = count.value();
        int left = (known == null ? 0 : known) - expired.size();
        if (left > 0 && oldestKept != Long.MAX_VALUE) {
            count.update(left);
        } else {
            count.clear();
        }
        sweepAt.clear();
        if (oldestKept != Long.MAX_VALUE) {
            schedule(ctx.timerService(), oldestKept + ttlMs);
        }
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

    private void schedule(TimerService timers, long at) throws Exception {
        sweepAt.update(at);
        timers.registerEventTimeTimer(at);
    }
}
