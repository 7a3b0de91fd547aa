package io.mailflow.campaigns;

import io.mailflow.campaigns.schedule.Ramp;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The scheduled sends' clock: turns the job's event time (the watermark of the events) into one
 * {@link ControlMessage#tick} per minute on the trigger operator's broadcast input, where each tick walks the
 * users of every instance. Its input carries no records (the events are filtered out before it, so only their
 * watermarks cross the network); it runs at parallelism 1, so each instance gets each tick once.
 *
 * <p>Event time, not processing time, so a replay ticks as the live run did. When the watermark jumps several
 * minutes, one tick is emitted (the ramp grants one minute's share per tick, see {@link Ramp}). The end-of-input
 * watermark ({@code Long.MAX_VALUE}) emits none: the end of time is no moment to send a newsletter. Stateless:
 * after a restore the first watermark ticks again, and the per-user markers keep a user from getting an
 * occurrence twice.
 *
 * @param <T> the input's type (its records are ignored)
 */
public final class ScheduleClock<T> extends AbstractStreamOperator<ControlMessage>
        implements OneInputStreamOperator<T, ControlMessage> {
    private static final long serialVersionUID = 1L;

    private transient long last = Long.MIN_VALUE;

    @Override
    public void processElement(StreamRecord<T> element) {
        // nothing: only the watermarks of this input matter
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long minute = Math.floorDiv(mark.getTimestamp(), Ramp.TICK_MS) * Ramp.TICK_MS;
        if (mark.getTimestamp() != Long.MAX_VALUE && minute > last) {
            last = minute;
            output.collect(new StreamRecord<>(ControlMessage.tick(minute), minute));
        }
        super.processWatermark(mark);
    }
}
