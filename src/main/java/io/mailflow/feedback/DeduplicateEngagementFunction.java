package io.mailflow.feedback;

import io.mailflow.io.RememberedIds;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts each engagement event once: drops an event whose {@code eventId} this user's engagement already carried
 * within {@code ttl} of event time. The same event arrives twice when a provider retries a webhook whose answer it
 * did not see (SendGrid, SNS), when the tracking service replays its spool after a send that Kafka had in fact
 * written, or when a producer retries; without this a retried click is two clicks in the statistics, the features
 * and the attribution. Keyed by userId, like the rest of the feedback state.
 *
 * <p>The ids are {@link RememberedIds} (state names {@value #STATE}*), as for events: forgotten by one event-time
 * timer per user, not by state TTL, so that a replay de-duplicates as the live run did; and at most
 * {@code maxIdsPerUser} are kept: beyond it the oldest (by event time) go first, so a flood of distinct ids cannot
 * grow the state. The state is not reached by erasure: it holds event ids only, and every id is gone one {@code ttl} after
 * its event (docs/security.md, "Erasure").
 */
public final class DeduplicateEngagementFunction
        extends KeyedProcessFunction<String, EngagementEvent, EngagementEvent> {
    private static final long serialVersionUID = 1L;
    static final String STATE = "engagement-ids";

    private final long ttlMs;
    private final int maxIdsPerUser;
    private transient RememberedIds ids;
    private transient Counter duplicates;

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
                getRuntimeContext().getMetricGroup().counter("engagementDedupIdsEvicted"));
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEngagementEvents");
    }

    @Override
    public void processElement(EngagementEvent e, Context ctx, Collector<EngagementEvent> out) throws Exception {
        if (ids.firstSighting(e.eventId(), e.timestamp(), ctx.timerService())) {
            out.collect(e);
        } else {
            duplicates.inc();
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EngagementEvent> out) throws Exception {
        ids.sweep(timestamp, ctx.timerService());
    }
}
