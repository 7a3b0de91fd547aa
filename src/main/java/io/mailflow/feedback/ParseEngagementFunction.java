package io.mailflow.feedback;

import io.mailflow.common.Tags;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.RawRecord;
import io.mailflow.model.Suppression;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Raw engagement records to validated events; invalid ones become dead letters with the reason.
 *
 * <p>Unsubscribes, complaints and hard bounces also leave at once on {@link #SUPPRESSIONS}, before any
 * event-time buffering downstream: the job writes them to the suppressions topic, which the contact
 * guardrail ({@code ProfileJoinFunction}) reads, so no further e-mail reaches the user.
 */
public final class ParseEngagementFunction extends ProcessFunction<RawRecord, EngagementEvent> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<Suppression> SUPPRESSIONS = new OutputTag<>("engagement-suppressions") {};
    static final int MAX_KEPT_PAYLOAD = 4 * 1024;

    private final EngagementValidator validator;
    private transient Counter valid;
    private transient Counter invalid;
    private transient Counter suppressions;

    public ParseEngagementFunction(EngagementValidator validator) {
        this.validator = validator;
    }

    @Override
    public void open(OpenContext ctx) {
        valid = getRuntimeContext().getMetricGroup().counter("engagementValid");
        invalid = getRuntimeContext().getMetricGroup().counter("engagementInvalid");
        suppressions = getRuntimeContext().getMetricGroup().counter("engagementSuppressions");
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<EngagementEvent> out) {
        EngagementValidator.Result r = validator.validate(raw.value(), System.currentTimeMillis());
        if (!r.valid()) {
            invalid.inc();
            String payload = new String(raw.value(), StandardCharsets.UTF_8);
            ctx.output(Tags.DEAD_LETTERS, DeadLetter.of("engagement", r.error(), raw,
                    payload.length() <= MAX_KEPT_PAYLOAD ? payload : payload.substring(0, MAX_KEPT_PAYLOAD) + "...[truncated]"));
            return;
        }
        valid.inc();
        EngagementEvent e = r.event();
        String reason = suppressionReason(e);
        if (reason != null) {
            suppressions.inc();
            ctx.output(SUPPRESSIONS, new Suppression(e.userId(), reason, e.requestId(), e.timestamp()));
        }
        out.collect(e);
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
