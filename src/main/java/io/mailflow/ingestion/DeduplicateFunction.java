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
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops events whose eventId this user has already sent within {@code ttl} of event time. Keyed by
 * userId, so the ids live next to the user's other state.
 *
 * <p>Ids are forgotten by one event-time timer per user rather than by state TTL: Flink's TTL on a map
 * state checks entries on every access (a profile of the whole job showed it as the largest cost after
 * the SMTP server), while a timer sweeps a user's ids once per TTL period. Event time also makes the
 * de-duplication of a replay identical to that of the live run.
 */
public final class DeduplicateFunction extends KeyedProcessFunction<String, Event, Event> {
    private static final long serialVersionUID = 1L;

    private final long ttlMs;
    private transient MapState<String, Long> seen;
    private transient ValueState<Long> sweepAt;
    private transient Counter duplicates;

    public DeduplicateFunction(Duration ttl) {
        this.ttlMs = ttl.toMillis();
    }

    /** The event ids seen per user, with the event time at which each may be forgotten. */
    public static MapStateDescriptor<String, Long> seenIdsDescriptor() {
        return new MapStateDescriptor<>("event-ids", Types.STRING, Types.LONG);
    }

    /** When the user's next sweep of old ids is due (its event-time timer). */
    public static ValueStateDescriptor<Long> sweepDescriptor() {
        return new ValueStateDescriptor<>("event-ids-sweep", Types.LONG);
    }

    @Override
    public void open(OpenContext ctx) {
        seen = getRuntimeContext().getMapState(seenIdsDescriptor());
        sweepAt = getRuntimeContext().getState(sweepDescriptor());
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
    }

    @Override
    public void processElement(Event e, Context ctx, Collector<Event> out) throws Exception {
        if (seen.contains(e.eventId())) {
            duplicates.inc();
            return;
        }
        seen.put(e.eventId(), e.timestamp());
        if (sweepAt.value() == null) {
            schedule(ctx.timerService(), e.timestamp() + ttlMs);
        }
        out.collect(e);
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
        sweepAt.clear();
        if (oldestKept != Long.MAX_VALUE) {
            schedule(ctx.timerService(), oldestKept + ttlMs);
        }
    }

    private void schedule(org.apache.flink.streaming.api.TimerService timers, long at) throws Exception {
        sweepAt.update(at);
        timers.registerEventTimeTimer(at);
    }
}
