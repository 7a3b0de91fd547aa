package io.mailflow.delivery;

import java.io.Serializable;
import java.time.Duration;

/**
 * @param threads sending threads per parallel instance
 * @param capacity most e-mails in flight per parallel instance (the async operator's queue)
 * @param timeout the async operator gives up on an e-mail after this long (all attempts included)
 * @param retry backoff between attempts
 * @param rateLimits relay-wide and per-domain rates, for the whole job
 * @param ambiguousPolicy what to do with a replayed request whose ledger intent has no acknowledgement
 */
public record DeliverySettings(
        int threads,
        int capacity,
        Duration timeout,
        RetryPolicy retry,
        RateLimits.Config rateLimits,
        AmbiguousSendPolicy ambiguousPolicy)
        implements Serializable {

    /** With the default ambiguous-send policy, {@link AmbiguousSendPolicy#RESEND} (at least once). */
    public DeliverySettings(
            int threads, int capacity, Duration timeout, RetryPolicy retry, RateLimits.Config rateLimits) {
        this(threads, capacity, timeout, retry, rateLimits, AmbiguousSendPolicy.RESEND);
    }
}
