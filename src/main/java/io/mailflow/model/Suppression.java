package io.mailflow.model;

/**
 * A suppression event on the suppressions topic: the user must not be e-mailed any more. Written by
 * delivery (permanent failures: BOUNCED), by engagement ingestion (UNSUBSCRIBED, COMPLAINED) and by
 * erasure (ERASED). Carries no address.
 */
public record Suppression(String userId, String reason, String requestId, long at) {}
