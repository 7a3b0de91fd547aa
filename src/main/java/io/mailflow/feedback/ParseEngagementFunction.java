package io.mailflow.feedback;

import io.mailflow.common.Tags;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.RawRecord;
import io.mailflow.model.Suppression;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Raw engagement records to validated events; invalid ones become dead letters with the reason.
 *
 * <p>Unsubscribes, complaints and hard bounces also leave at once on {@link #SUPPRESSIONS}, before any
 * event-time buffering downstream: the job writes them to the suppressions topic, which the contact
 * guardrail ({@code ProfileJoinFunction}) reads, so no further e-mail reaches the user.
 *
 * <p>No exception from a record leaves this operator (a failed task would re-read the record for ever),
 * and, as for behaviour events, an engagement event may not run far ahead of the newest one accepted
 * (the subtask's stream time, kept in union operator state), so one record cannot push the watermark ahead.
 */
public final class ParseEngagementFunction extends ProcessFunction<RawRecord, EngagementEvent>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<Suppression> SUPPRESSIONS = new OutputTag<>("engagement-suppressions") {};

    private final EngagementValidator validator;
    private transient Counter valid;
    private transient Counter invalid;
    private transient Counter suppressions;
    private transient ListState<Long> streamTimeState;
    private transient long streamTime;

    public ParseEngagementFunction(EngagementValidator validator) {
        this.validator = validator;
    }

    @Override
    public void open(OpenContext ctx) {
        valid = getRuntimeContext().getMetricGroup().counter("engagementValid");
        invalid = getRuntimeContext().getMetricGroup().counter("engagementInvalid");
        suppressions = getRuntimeContext().getMetricGroup().counter("engagementSuppressions");
    }

    /** The newest engagement time accepted per subtask (union list state: a restore takes the maximum). */
    public static ListStateDescriptor<Long> streamTimeDescriptor() {
        return new ListStateDescriptor<>("engagement-stream-time", Types.LONG);
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<EngagementEvent> out) {
        EngagementValidator.Result r;
        try {
            r = validator.validate(raw.value(), System.currentTimeMillis(), streamTime);
        } catch (RuntimeException | StackOverflowError e) {
            r = new EngagementValidator.Result(
                    null, "invalid engagement event (" + e.getClass().getSimpleName() + ")");
        }
        if (!r.valid()) {
            invalid.inc();
            ctx.output(
                    Tags.DEAD_LETTERS,
                    DeadLetter.of("engagement", r.error(), raw, DeadLetter.payloadText(raw.value())));
            return;
        }
        valid.inc();
        EngagementEvent e = r.event();
        streamTime = Math.max(streamTime, e.timestamp());
        String reason = suppressionReason(e);
        if (reason != null) {
            suppressions.inc();
            ctx.output(SUPPRESSIONS, new Suppression(e.userId(), reason, e.requestId(), e.timestamp()));
        }
        out.collect(e);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        streamTimeState.update(List.of(streamTime));
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        streamTimeState = context.getOperatorStateStore().getUnionListState(streamTimeDescriptor());
        streamTime = Long.MIN_VALUE;
        for (Long t : streamTimeState.get()) {
            streamTime = Math.max(streamTime, t);
        }
    }

    /** UNSUBSCRIBED, COMPLAINED or BOUNCED (hard bounces only), else null. */
    static String suppressionReason(EngagementEvent e) {
        return switch (e.type()) {
            case UNSUBSCRIBED -> "UNSUBSCRIBED";
            case COMPLAINED -> "COMPLAINED";
            case BOUNCED -> e.hardBounce() ? "BOUNCED" : null;
            default -> null;
        };
    }
}
