package io.mailflow.model;

/**
 * One delivery attempt, for the audit trail.
 *
 * @param outcome what it came to (not kept in Flink state; the JSON form is the name)
 * @param smtpCode the server's reply code, or -1 below SMTP (connection, timeout)
 */
public record Attempt(int number, long startedAt, long latencyMs, Outcome outcome, int smtpCode, String reply) {

    /** What one attempt came to; the JSON form is the name. */
    public enum Outcome {
        /** The server accepted the message. */
        ACCEPTED,
        /** A failure worth retrying (connection, 4xx). */
        TRANSIENT_FAILURE,
        /** A failure not worth retrying (5xx at the relay level, authentication): suppresses nobody. */
        PERMANENT_FAILURE,
        /** The server refused the recipient (5.1.x / 5.2.x at RCPT TO): a hard bounce, the address is suppressed. */
        RECIPIENT_REJECTED,
        /** No attempt: the send ledger says the request was accepted before (number 0). */
        SKIPPED_ALREADY_SENT,
        /** No attempt: an intent without acknowledgement after a restart, and the policy is skip (number 0). */
        SKIPPED_AMBIGUOUS
    }
}
