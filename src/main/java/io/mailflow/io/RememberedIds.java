package io.mailflow.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;

/**
 * The ids a keyed operator has seen for the current key, each remembered for {@code ttl} of event time: the
 * de-duplication state of the event and engagement inputs.
 *
 * <p>Ids are forgotten by one event-time timer per key rather than by state TTL: Flink's TTL on a map state checks
 * entries on every access (a profile of the whole job showed it as the largest cost after the SMTP server), while a
 * timer sweeps a key's ids once per TTL period. Event time also makes the de-duplication of a replay identical to
 * that of the live run.
 *
 * <p>Besides the TTL, at most {@code maxIds} ids are remembered per key: one key (or one forged producer) sending a
 * flood of distinct ids within the TTL cannot grow the state without bound. When the cap is exceeded the oldest ids
 * (by event time) are forgotten first, down to 90% of the cap in one pass, so that the eviction scan runs at most
 * once per tenth of the cap. A duplicate of an evicted id passes again: de-duplication is exact only under the cap.
 *
 * <p>Three states, named after {@code name}: the ids with their event times ({@code name}), the due time of the
 * key's sweep ({@code name-sweep}) and the number of ids ({@code name-count}, so that the cap needs no scan). The
 * owning function calls {@link #sweep} from its {@code onTimer}; it sets no other timers.
 */
public final class RememberedIds {
    private final long ttlMs;
    private final int maxIds;
    private final MapState<String, Long> seen;
    private final ValueState<Long> sweepAt;
    private final ValueState<Integer> count;
    private final Counter evicted;

    /**
     * @param ttlMs how long (event time) an id is remembered
     * @param maxIds most ids remembered per key; the oldest go first
     * @param evicted counts the ids forgotten for the cap
     */
    public RememberedIds(RuntimeContext rc, String name, long ttlMs, int maxIds, Counter evicted) {
        if (maxIds < 1) {
            throw new IllegalArgumentException("maxIds must be positive: " + maxIds);
        }
        this.ttlMs = ttlMs;
        this.maxIds = maxIds;
        this.seen = rc.getMapState(idsDescriptor(name));
        this.sweepAt = rc.getState(sweepDescriptor(name));
        this.count = rc.getState(countDescriptor(name));
        this.evicted = evicted;
    }

    /** The ids seen per key, with the event time of each. */
    public static MapStateDescriptor<String, Long> idsDescriptor(String name) {
        return new MapStateDescriptor<>(name, Types.STRING, Types.LONG);
    }

    /** When the key's next sweep of old ids is due (its event-time timer). */
    public static ValueStateDescriptor<Long> sweepDescriptor(String name) {
        return new ValueStateDescriptor<>(name + "-sweep", Types.LONG);
    }

    /** How many ids are remembered for the key. */
    public static ValueStateDescriptor<Integer> countDescriptor(String name) {
        return new ValueStateDescriptor<>(name + "-count", Types.INT);
    }

    /**
     * Remembers {@code id}, seen at event time {@code timestamp}, for the current key.
     *
     * @return false when it was already remembered (a duplicate), true when it is new
     */
    public boolean firstSighting(String id, long timestamp, TimerService timers) throws Exception {
        if (seen.contains(id)) {
            return false;
        }
        int n = count() + 1;
        seen.put(id, timestamp);
        count.update(n > maxIds ? evictOldest() : n);
        if (sweepAt.value() == null) {
            schedule(timers, timestamp + ttlMs);
        }
        return true;
    }

    /** The sweep due at {@code timestamp}: forgets the ids older than the TTL and schedules the next sweep. */
    public void sweep(long timestamp, TimerService timers) throws Exception {
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
        if (left > 0 && oldestKept != Long.MAX_VALUE) {
            count.update(left);
        } else {
            count.clear();
        }
        sweepAt.clear();
        if (oldestKept != Long.MAX_VALUE) {
            schedule(timers, oldestKept + ttlMs);
        }
    }

    /** Forgets every id of the current key (a timer already set stays and finds nothing). */
    public void clear() {
        seen.clear();
        sweepAt.clear();
        count.clear();
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
        int keep = Math.max(1, maxIds - maxIds / 10);
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
