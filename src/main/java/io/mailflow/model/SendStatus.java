package io.mailflow.model;

/**
 * How the delivery of one request ended ({@link SendResult#status()}). The JSON form on
 * {@code topic.send-results} is the name, as before this was an enum.
 */
public enum SendStatus {
    /** The SMTP server accepted the message. */
    SENT,
    /** The send ledger says the request was accepted before (a replay after a restart): nothing sent. */
    SKIPPED_ALREADY_SENT,
    /**
     * Replayed after a crash with an intent but no acknowledgement in the send ledger, and not sent because
     * the ambiguous-send policy is {@code skip} (at most once).
     */
    SKIPPED_AMBIGUOUS,
    /** The server refused the message for good (or a transient failure became permanent). */
    FAILED_PERMANENT,
    /** Retries ran out on transient failures, or the job was cancelled or timed out mid-send. */
    FAILED_TRANSIENT,
    /** A holdout assignment, should delivery ever report one (the funnel counts it as an assignment). */
    HOLDOUT;

    public boolean failed() {
        return this == FAILED_PERMANENT || this == FAILED_TRANSIENT;
    }
}
