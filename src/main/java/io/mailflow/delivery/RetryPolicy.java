package io.mailflow.delivery;

import java.io.Serializable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: attempt n (from 1) waits a random time in
 * [0, min(maxDelay, baseDelay * 2^(n-1))]. Jitter keeps many senders from retrying in lockstep.
 */
public record RetryPolicy(int maxAttempts, long baseDelayMs, long maxDelayMs) implements Serializable {

    public static RetryPolicy defaults() {
        return new RetryPolicy(5, 200, 10_000);
    }

    public long delayBeforeRetry(int failedAttempts) {
        long cap = Math.min(maxDelayMs, baseDelayMs << Math.min(30, failedAttempts - 1));
        return ThreadLocalRandom.current().nextLong(cap + 1);
    }
}
