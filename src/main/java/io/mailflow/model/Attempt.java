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
        /** A failure not worth retrying (5xx). */
        PERMANENT_FAILURE,
        /** No attempt: the send ledger says the request was accepted before (number 0). */
        SKIPPED_ALREADY_SENT
    }
}
