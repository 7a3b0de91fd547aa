package io.mailflow.io;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Stops event time at the newest event (plus a lateness) when a bounded input ends, instead of at the
 * end of time (see {@link EventTimeEnd}). Placed right after a watermark assigner, chained to it.
 *
 * <p>Flink 2.2 has no option for this: a finished source always emits {@code Watermark.MAX_WATERMARK}
 * (stop-with-savepoint without {@code --drain} is the only way around it, and a bounded job does not
 * stop that way). So this operator replaces that one watermark: it remembers the newest record
 * timestamp of its subtask and, when the end-of-time watermark arrives, emits the newest timestamp plus
 * the lateness instead. A subtask that saw no record at all (an empty partition) declares itself idle,
 * so that it neither holds event time back nor pushes it to the end of time. Every other watermark
 * passes unchanged, so a live job, where the end never comes, behaves exactly as without it.
 *
 * <p>Downstream operators take the minimum over their inputs, so where several subtasks read in
 * parallel event time ends at the earliest of their newest events (within the assigner's
 * out-of-orderness of each other when the partitions are read to the same point in time). Timers due
 * after that are not fired: the job finishes with them pending, as a live job would be at that moment.
 *
 * <p>The newest timestamp is kept in operator state, so that a bounded job restored from a checkpoint taken
 * after its last event still ends there (Flink does not checkpoint watermarks).
 */
public final class EndOfInputWatermarks<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T> {
    private static final long serialVersionUID = 1L;

    private final EventTimeEnd end;
    private long newest = Long.MIN_VALUE;
    private boolean ended;
    private transient ListState<Long> newestState;

    public EndOfInputWatermarks(EventTimeEnd end) {
        this.end = end;
    }

    /** {@code in} with its end-of-input watermark capped as {@code end} says (a pass-through otherwise). */
    public static <T> SingleOutputStreamOperator<T> apply(DataStream<T> in, EventTimeEnd end, String uid) {
        return in.transform(
                        "end of input: " + (end.capped() ? "last event" : "end of time"),
                        in.getType(),
                        new EndOfInputWatermarks<>(end))
                .uid(uid);
    }

    /** The newest record timestamp a subtask has seen; restored as the maximum over all subtasks' values. */
    public static ListStateDescriptor<Long> newestDescriptor() {
        return new ListStateDescriptor<>("newest-event-time", Types.LONG);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        newestState = context.getOperatorStateStore().getUnionListState(newestDescriptor());
        for (Long t : newestState.get()) {
            newest = Math.max(newest, t);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        newestState.clear();
        if (newest != Long.MIN_VALUE) {
            newestState.add(newest);
        }
    }

    @Override
    public void processElement(StreamRecord<T> element) throws Exception {
        if (element.hasTimestamp() && element.getTimestamp() > newest) {
            newest = element.getTimestamp();
        }
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (!end.capped()) {
            super.processWatermark(mark);
            return;
        }
        if (ended) {
            return; // nothing may move event time after the end of the input
        }
        if (mark.getTimestamp() != Long.MAX_VALUE) {
            super.processWatermark(mark);
            return;
        }
        ended = true;
        if (newest == Long.MIN_VALUE) {
            output.emitWatermarkStatus(WatermarkStatus.IDLE);
        } else {
            super.processWatermark(new Watermark(end.finalWatermark(newest)));
        }
    }
}
