package io.mailflow.model;

/**
 * The outcome of delivering one request. Carries no e-mail address: results are safe to log.
 *
 * @param status SENT, FAILED_PERMANENT or FAILED_TRANSIENT
 * @param smtpReply the server's last reply (or the error) for diagnosis
 */
public record SendResult(
        String requestId,
        String messageId,
        String campaignId,
        String userId,
        String status,
        int attempts,
        long latencyMs,
        String smtpReply,
        long sentAt) {

    public boolean sent() {
        return "SENT".equals(status);
    }
}
