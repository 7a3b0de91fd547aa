package io.mailflow.model;

import java.util.List;

/**
 * The outcome of delivering one request, with every attempt. Carries no e-mail address: results are
 * safe to log.
 *
 * @param variant the experiment variant of the e-mail
 * @param status how it ended (not kept in Flink state; the JSON form is the name)
 * @param latencyMs from the start of the first attempt to the outcome
 * @param smtpReply the server's last reply (or the error) for diagnosis
 */
public record SendResult(
        String requestId,
        String messageId,
        String campaignId,
        String variant,
        String userId,
        SendStatus status,
        int attempts,
        long latencyMs,
        String smtpReply,
        long sentAt,
        int smtpCode,
        List<Attempt> attemptLog) {

    // Aliases of the SendStatus constants, so that callers written against the former string constants
    // (SendResult.FAILED_PERMANENT.equals(r.status())) still compare like with like.
    public static final SendStatus SENT = SendStatus.SENT;
    public static final SendStatus SKIPPED_ALREADY_SENT = SendStatus.SKIPPED_ALREADY_SENT;
    public static final SendStatus SKIPPED_AMBIGUOUS = SendStatus.SKIPPED_AMBIGUOUS;
    public static final SendStatus FAILED_PERMANENT = SendStatus.FAILED_PERMANENT;
    public static final SendStatus FAILED_TRANSIENT = SendStatus.FAILED_TRANSIENT;

    public boolean sent() {
        return status == SendStatus.SENT;
    }

    public boolean failed() {
        return status != null && status.failed();
    }
}
