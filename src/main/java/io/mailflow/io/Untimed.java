package io.mailflow.io;

import io.mailflow.model.RawRecord;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks for control streams whose records carry no event time (profiles, campaign definitions).
 *
 * <p>A two-input operator's event time is the minimum of its inputs' watermarks. A source without
 * watermarks would therefore hold every downstream event-time timer back for ever (in an unbounded job),
 * e.g. the guardrails' deferred sends after the profile join or the triggers behind the campaign
 * broadcast. This strategy declares the stream to be "at the end of time" from the start, so that
 * joining it never delays the other input's event time.
 */
public final class Untimed {
    private Untimed() {}

    public static WatermarkStrategy<RawRecord> watermarks() {
        return WatermarkStrategy.forGenerator(ctx -> new EndOfTime());
    }

    static final class EndOfTime implements WatermarkGenerator<RawRecord> {
        @Override
        public void onEvent(RawRecord event, long eventTimestamp, WatermarkOutput output) {}

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.emitWatermark(new Watermark(Long.MAX_VALUE));
        }
    }
}
