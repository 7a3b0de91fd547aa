package io.mailflow.ingestion;

import io.mailflow.common.Tags;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.Event;
import io.mailflow.model.RawRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Turns raw records into validated events; everything else becomes a dead letter with its reason. */
public final class ParseEventsFunction extends ProcessFunction<RawRecord, Event> {
    private static final long serialVersionUID = 1L;
    /** Dead letters keep at most this much of the payload, so a huge record cannot flood the DLQ topic. */
    static final int MAX_KEPT_PAYLOAD = 16 * 1024;

    private final EventValidator validator;
    private transient Counter valid;
    private transient Counter invalid;

    public ParseEventsFunction(EventValidator validator) {
        this.validator = validator;
    }

    @Override
    public void open(OpenContext ctx) {
        valid = getRuntimeContext().getMetricGroup().counter("eventsValid");
        invalid = getRuntimeContext().getMetricGroup().counter("eventsInvalid");
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<Event> out) {
        EventValidator.Result r = validator.validate(raw.value(), System.currentTimeMillis());
        if (r.valid()) {
            valid.inc();
            out.collect(r.event());
        } else {
            invalid.inc();
            ctx.output(Tags.DEAD_LETTERS, DeadLetter.of("ingest", r.error(), raw, keptPayload(raw.value())));
        }
    }

    static String keptPayload(byte[] value) {
        String s = new String(value, StandardCharsets.UTF_8);
        return s.length() <= MAX_KEPT_PAYLOAD ? s : s.substring(0, MAX_KEPT_PAYLOAD) + "...[truncated]";
    }
}
