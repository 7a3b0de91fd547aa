package io.mailflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private final AtomicLong now = new AtomicLong();

    @Test
    void burstThenPacedAtTheRate() {
        TokenBucket b = new TokenBucket(10, 2, now::get);
        assertThat(b.reserve()).isZero();
        assertThat(b.reserve()).isZero();
        assertThat(b.reserve()).isEqualTo(100_000_000L); // third token is 1/10 s away
        assertThat(b.reserve()).isEqualTo(200_000_000L); // and the fourth queues behind it
        now.addAndGet(1_000_000_000L);
        assertThat(b.reserve()).isZero();
    }

    @Test
    void refillIsCappedAtTheBurst() {
        TokenBucket b = new TokenBucket(1, 3, now::get);
        now.addAndGet(60_000_000_000L);
        assertThat(b.reserve()).isZero();
        assertThat(b.reserve()).isZero();
        assertThat(b.reserve()).isZero();
        assertThat(b.reserve()).isEqualTo(1_000_000_000L);
    }

    @Test
    void domainsAreLimitedSeparately() {
        assertThat(RateLimits.domainOf("A@Example.COM")).isEqualTo("example.com");
        assertThat(RateLimits.domainOf("nobody")).isEmpty();
    }
}
