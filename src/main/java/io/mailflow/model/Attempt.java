package io.mailflow.model;

/**
 * One delivery attempt, for the audit trail.
 *
 * @param outcome ACCEPTED, TRANSIENT_FAILURE, PERMANENT_FAILURE or SKIPPED_ALREADY_SENT
 * @param smtpCode the server's reply code, or -1 below SMTP (connection, timeout)
 */
public record Attempt(int number, long startedAt, long latencyMs, String outcome, int smtpCode, String reply) {}
