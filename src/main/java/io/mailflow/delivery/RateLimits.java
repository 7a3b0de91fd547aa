package io.mailflow.delivery;

import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Politeness towards mail servers: one token bucket for the SMTP relay and one per recipient domain.
 * Limits are configured for the whole job and divided by the sender's parallelism (each instance sees
 * a hash-partitioned share of users, so each gets its share of every domain's traffic).
 */
public final class RateLimits {
    private final TokenBucket relay;
    private final double perDomain;
    private final Map<String, TokenBucket> domains = new ConcurrentHashMap<>();

    /** Job-wide limits in messages per second; 0 means unlimited. */
    public record Config(double relayPerSecond, double domainPerSecond) implements Serializable {
        public RateLimits forInstance(int parallelism) {
            return new RateLimits(relayPerSecond / parallelism, domainPerSecond / parallelism);
        }
    }

    RateLimits(double relayPerSecond, double domainPerSecond) {
        this.relay = relayPerSecond > 0 ? new TokenBucket(relayPerSecond, Math.max(1, relayPerSecond)) : null;
        this.perDomain = domainPerSecond;
    }

    /** Blocks until both the relay and the recipient's domain allow one more message. */
    public void acquire(String recipient) throws InterruptedException {
        long wait = relay == null ? 0 : relay.reserve();
        if (perDomain > 0) {
            TokenBucket b = domains.computeIfAbsent(
                    domainOf(recipient), d -> new TokenBucket(perDomain, Math.max(1, perDomain)));
            wait = Math.max(wait, b.reserve());
        }
        if (wait > 0) {
            java.util.concurrent.TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }
}
