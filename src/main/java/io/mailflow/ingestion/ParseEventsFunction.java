package io.mailflow.ingestion;

import io.mailflow.common.Tags;
import io.mailflow.io.PseudonymousDeadLetters;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.Event;
import io.mailflow.model.RawRecord;
import io.mailflow.privacy.PseudonymSettings;
import io.mailflow.privacy.Pseudonymizer;
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

/**
 * Turns raw records into validated events; everything else becomes a dead letter with its reason. No
 * exception from a record leaves this operator: one would fail the task, and the restart would read the
 * same record again, for ever.
 *
 * <p>The subtask remembers the newest event time it accepted (its "stream time"), which is what its
 * watermark follows, and the validator refuses an event too far ahead of it (see
 * {@link io.mailflow.io.InputRules#checkTime}), so that one event cannot push the watermark ahead and make
 * every real event late. The stream time is kept in union operator state: after a restore or rescale every
 * subtask starts from the newest time any subtask had reached.
 *
 * <p>With pseudonyms enabled, the shop's user id is replaced here, at the edge, by its keyed pseudonym
 * ({@link Pseudonymizer}), so every keyed state and every output downstream sees only pseudonyms; a dead letter
 * carries the pseudonym too, or withholds its payload ({@link PseudonymousDeadLetters}).
 */
public final class ParseEventsFunction extends ProcessFunction<RawRecord, Event> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    private final EventValidator validator;
    private final PseudonymSettings pseudonymSettings;
    private transient Pseudonymizer pseudonyms;
    private transient Counter valid;
    private transient Counter invalid;
    private transient ListState<Long> streamTimeState;
    private transient long streamTime;

    public ParseEventsFunction(EventValidator validator) {
        this(validator, PseudonymSettings.DISABLED);
    }

    public ParseEventsFunction(EventValidator validator, PseudonymSettings pseudonymSettings) {
        this.validator = validator;
        this.pseudonymSettings = pseudonymSettings;
    }

    /** The newest event time accepted per subtask (union list state: a restore takes the maximum). */
    public static ListStateDescriptor<Long> streamTimeDescriptor() {
        return new ListStateDescriptor<>("events-stream-time", Types.LONG);
    }

    @Override
    public void open(OpenContext ctx) {
        pseudonyms = pseudonymSettings.open();
        valid = getRuntimeContext().getMetricGroup().counter("eventsValid");
        invalid = getRuntimeContext().getMetricGroup().counter("eventsInvalid");
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<Event> out) {
        EventValidator.Result r;
        try {
            r = validator.validate(raw.value(), System.currentTimeMillis(), streamTime);
        } catch (RuntimeException | StackOverflowError e) {
            r = new EventValidator.Result(null, "invalid event (" + e.getClass().getSimpleName() + ")");
        }
        if (r.valid()) {
            valid.inc();
            streamTime = Math.max(streamTime, r.event().timestamp());
            out.collect(
                    pseudonyms == null
                            ? r.event()
                            : withUser(r.event(), pseudonyms.pseudonym(r.event().userId())));
        } else {
            invalid.inc();
            DeadLetter dead = PseudonymousDeadLetters.of(
                    "ingest", r.error(), raw, DeadLetter.payloadText(raw.value()), pseudonyms);
            ctx.output(Tags.DEAD_LETTERS, dead);
        }
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

    private static Event withUser(Event e, String userId) {
        return new Event(
                e.eventId(),
                userId,
                e.sessionId(),
                e.type(),
                e.itemId(),
                e.categoryId(),
                e.price(),
                e.quantity(),
                e.currency(),
                e.query(),
                e.timestamp());
    }

    /** For tests: the newest event time accepted. */
    long streamTime() {
        return streamTime;
    }
}
