package io.mailflow.delivery;

/**
 * What a sender does with a replayed request whose ledger holds an intent but no acknowledgement: the
 * process died between writing the intent and learning the outcome, so the message may or may not be out.
 */
public enum AmbiguousSendPolicy {
    /** Send it again: at least once. A duplicate carries the same Message-ID. The default: nothing is lost. */
    RESEND,
    /** Do not send it; report it as {@code SKIPPED_AMBIGUOUS} (send result, audit, metric): at most once. */
    SKIP
}
