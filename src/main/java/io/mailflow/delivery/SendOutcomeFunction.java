package io.mailflow.delivery;

import io.mailflow.common.Tags;
import io.mailflow.model.Attempt;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.SendResult;
import io.mailflow.model.SendStatus;
import io.mailflow.model.Suppression;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Fans each send result out: the result itself; one audit record per attempt; a dead letter with the
 * server's reason for every final failure; and a BOUNCED suppression for permanent failures (5xx), so
 * the address is not tried again.
 */
public final class SendOutcomeFunction extends ProcessFunction<SendResult, SendResult> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<Suppression> SUPPRESSIONS = new OutputTag<>("suppressions") {};
    public static final OutputTag<AuditRecord> AUDIT = new OutputTag<>("delivery-audit") {};

    /** One attempt of one request, as written to the audit topic. */
    public record AuditRecord(String requestId, String messageId, String campaignId, String userId, int attempt,
            Attempt.Outcome outcome, int smtpCode, String reply, long startedAt, long latencyMs, SendStatus finalStatus) {}

    @Override
    public void processElement(SendResult r, Context ctx, Collector<SendResult> out) {
        for (Attempt a : r.attemptLog()) {
            ctx.output(AUDIT, new AuditRecord(r.requestId(), r.messageId(), r.campaignId(), r.userId(), a.number(),
                    a.outcome(), a.smtpCode(), a.reply(), a.startedAt(), a.latencyMs(), r.status()));
        }
        if (r.failed()) {
            ctx.output(Tags.DEAD_LETTERS, DeadLetter.of("deliver", r.status() + " after " + r.attempts()
                    + " attempt(s): " + r.smtpReply(), r.requestId()));
        }
        if (r.status() == SendStatus.FAILED_PERMANENT && r.smtpCode() >= 500) {
            ctx.output(SUPPRESSIONS, new Suppression(r.userId(), "BOUNCED", r.requestId(), r.sentAt()));
        }
        out.collect(r);
    }
}
