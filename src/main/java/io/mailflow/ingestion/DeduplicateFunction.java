package io.mailflow.ingestion;

import io.mailflow.io.RememberedIds;
import io.mailflow.model.Event;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops events whose eventId this user has already sent within {@code ttl} of event time. Keyed by
 * userId, so the ids live next to the user's other state. The ids are {@link RememberedIds} (state names
 * {@value #STATE}*): swept by one event-time timer per user, at most {@code maxIdsPerUser} of them.
 *
 * <p>The second input is the ids of erased users: their remembered ids are forgotten at once (a timer
 * already set stays and finds nothing).
 */
public final class DeduplicateFunction extends KeyedCoProcessFunction<String, Event, String, Event> {
    private static final long serialVersionUID = 1L;
    static final String STATE = "event-ids";

    private final long ttlMs;
    private final int maxIdsPerUser;
    private transient RememberedIds ids;
    private transient Counter duplicates;

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

    /** The event ids seen per user, with the event time of each. */
    public static MapStateDescriptor<String, Long> seenIdsDescriptor() {
        return RememberedIds.idsDescriptor(STATE);
    }

    /** When the user's next sweep of old ids is due (its event-time timer). */
    public static ValueStateDescriptor<Long> sweepDescriptor() {
        return RememberedIds.sweepDescriptor(STATE);
    }

    /** How many ids are remembered for the user (kept so that the cap needs no scan). */
    public static ValueStateDescriptor<Integer> countDescriptor() {
        return RememberedIds.countDescriptor(STATE);
    }

    @Override
    public void open(OpenContext ctx) {
        ids = new RememberedIds(
                getRuntimeContext(),
                STATE,
                ttlMs,
                maxIdsPerUser,
                getRuntimeContext().getMetricGroup().counter("dedupIdsEvicted"));
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
    }

    @Override
    public void processElement1(Event e, Context ctx, Collector<Event> out) throws Exception {
        if (ids.firstSighting(e.eventId(), e.timestamp(), ctx.timerService())) {
            out.collect(e);
        } else {
            duplicates.inc();
        }
    }

    /** An erasure: the user's ids go. */
    @Override
    public void processElement2(String erasedUser, Context ctx, Collector<Event> out) {
        ids.clear();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Event> out) throws Exception {
        ids.sweep(timestamp, ctx.timerService());
    }
}
