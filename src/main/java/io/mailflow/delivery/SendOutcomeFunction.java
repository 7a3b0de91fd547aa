package io.mailflow.delivery;

import io.mailflow.common.Tags;
import io.mailflow.model.Attempt;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.SendResult;
import io.mailflow.model.SendStatus;
import io.mailflow.model.Suppression;
import java.util.List;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Fans each send result out: the result itself; one audit record per attempt; a dead letter with the
 * server's reason for every final failure; and a BOUNCED suppression only when the server rejected the
 * recipient ({@code RECIPIENT_REJECTED}: 5.1.x / 5.2.x at RCPT TO), so the address is not tried again. A
 * relay-level rejection (authentication, relaying denied, content rejected) fails the request and
 * suppresses nobody. Every text passes through {@link ErrorText} here again, so no address leaves delivery
 * even from a sender that forgot to sanitize.
 */
public final class SendOutcomeFunction extends ProcessFunction<SendResult, SendResult> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<Suppression> SUPPRESSIONS = new OutputTag<>("suppressions") {};
    public static final OutputTag<AuditRecord> AUDIT = new OutputTag<>("delivery-audit") {};
    /** The attempt outcome of a hard bounce; the only outcome that suppresses the recipient. */

    /** One attempt of one request, as written to the audit topic. */
    public record AuditRecord(
            String requestId,
            String messageId,
            String campaignId,
            String userId,
            int attempt,
            Attempt.Outcome outcome,
            int smtpCode,
            String reply,
            long startedAt,
            long latencyMs,
            SendStatus finalStatus) {}

    @Override
    public void processElement(SendResult result, Context ctx, Collector<SendResult> out) {
        SendResult r = sanitized(result);
        for (Attempt a : r.attemptLog()) {
            ctx.output(
                    AUDIT,
                    new AuditRecord(
                            r.requestId(),
                            r.messageId(),
                            r.campaignId(),
                            r.userId(),
                            a.number(),
                            a.outcome(),
                            a.smtpCode(),
                            a.reply(),
                            a.startedAt(),
                            a.latencyMs(),
                            r.status()));
        }
        if (r.failed()) {
            ctx.output(
                    Tags.DEAD_LETTERS,
                    DeadLetter.of(
                            "deliver",
                            r.status() + " after " + r.attempts() + " attempt(s): " + r.smtpReply(),
                            r.requestId()));
        }
        if (r.status() == SendStatus.FAILED_PERMANENT && isBounce(r)) {
            ctx.output(SUPPRESSIONS, new Suppression(r.userId(), "BOUNCED", r.requestId(), r.sentAt()));
        }
        out.collect(r);
    }

    private static boolean isBounce(SendResult r) {
        List<Attempt> log = r.attemptLog();
        return !log.isEmpty() && log.get(log.size() - 1).outcome() == Attempt.Outcome.RECIPIENT_REJECTED;
    }

    private static SendResult sanitized(SendResult r) {
        List<Attempt> log = r.attemptLog().stream()
                .map(a -> new Attempt(
                        a.number(),
                        a.startedAt(),
                        a.latencyMs(),
                        a.outcome(),
                        a.smtpCode(),
                        ErrorText.sanitize(a.reply())))
                .toList();
        return new SendResult(
                r.requestId(),
                r.messageId(),
                r.campaignId(),
                r.variant(),
                r.userId(),
                r.status(),
                r.attempts(),
                r.latencyMs(),
                ErrorText.sanitize(r.smtpReply()),
                r.sentAt(),
                r.smtpCode(),
                log);
    }
}
