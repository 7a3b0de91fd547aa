package io.mailflow.io;

import io.mailflow.model.RawRecord;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks for control streams whose records carry no event time (profiles, campaign definitions).
 *
 * <p>A two-input operator's event time is the minimum of its inputs' watermarks. A source without
 * watermarks would therefore hold every downstream event-time timer back for ever in an unbounded job
 * (the guardrails' deferred sends after the profile join, the triggers behind the campaign broadcast).
 * This strategy marks the stream idle for good: Flink leaves idle inputs out of the minimum, so the
 * other input alone drives event time, and records of the control stream still flow.
 *
 * <p>It must not claim to be "at the end of time" (a {@code Long.MAX_VALUE} watermark) instead: when
 * the other input goes idle too (no traffic for {@code ingest.idleness}), the operator's event time
 * would jump to the end of time and fire every pending timer at once, e.g. send abandoned-cart e-mails
 * before a purchase could cancel them.
 *
 * <p>Read such topics at parallelism 1 (they are small and compacted): a Kafka source reader that is
 * assigned no partition does not go idle by itself and would hold event time back.
 */
public final class Untimed {
    private Untimed() {}

    public static WatermarkStrategy<RawRecord> watermarks() {
        return WatermarkStrategy.forGenerator(ctx -> new AlwaysIdle<>());
    }

    /**
     * The same for a stream inside the job whose records must not hold back the event time of the operator
     * they join (e.g. e-mail engagement signals into the per-user feature operator: a quiet or lagging
     * engagement topic must not stop sessions, models and triggers). Applied with {@code
     * assignTimestampsAndWatermarks}, it drops the upstream watermarks and keeps each record's timestamp.
     */
    public static <T> WatermarkStrategy<T> idle() {
        return WatermarkStrategy.forGenerator(ctx -> new AlwaysIdle<T>());
    }

    static final class AlwaysIdle<T> implements WatermarkGenerator<T> {
        @Override
        public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.markIdle();
        }
    }
}
