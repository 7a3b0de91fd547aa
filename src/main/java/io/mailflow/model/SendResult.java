package io.mailflow.model;

import java.util.List;

/**
 * The outcome of delivering one request, with every attempt. Carries no e-mail address: results are
 * safe to log.
 *
 * @param variant the experiment variant of the e-mail
 * @param status SENT, SKIPPED_ALREADY_SENT, SKIPPED_AMBIGUOUS, FAILED_PERMANENT or FAILED_TRANSIENT
 * @param latencyMs from the start of the first attempt to the outcome
 * @param smtpReply the server's last reply (or the error) for diagnosis
 */
public record SendResult(
        String requestId,
        String messageId,
        String campaignId,
        String variant,
        String userId,
        String status,
        int attempts,
        long latencyMs,
        String smtpReply,
        long sentAt,
        int smtpCode,
        List<Attempt> attemptLog) {

    public static final String SENT = "SENT";
    public static final String SKIPPED_ALREADY_SENT = "SKIPPED_ALREADY_SENT";
    /** Replayed after a crash with an intent but no acknowledgement in the send ledger; not sent (policy skip). */
    public static final String SKIPPED_AMBIGUOUS = "SKIPPED_AMBIGUOUS";
    public static final String FAILED_PERMANENT = "FAILED_PERMANENT";
    public static final String FAILED_TRANSIENT = "FAILED_TRANSIENT";

    public boolean sent() {
        return SENT.equals(status);
    }

    public boolean failed() {
        return FAILED_PERMANENT.equals(status) || FAILED_TRANSIENT.equals(status);
    }
}
