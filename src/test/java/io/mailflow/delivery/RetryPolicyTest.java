package io.mailflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void backoffDoublesUpToTheCapWithJitterBelowIt() {
        RetryPolicy p = new RetryPolicy(10, 100, 1_000);
        for (int i = 0; i < 200; i++) {
            assertThat(p.delayBeforeRetry(1)).isBetween(0L, 100L);
            assertThat(p.delayBeforeRetry(3)).isBetween(0L, 400L);
            assertThat(p.delayBeforeRetry(8)).isBetween(0L, 1_000L);
        }
        long max = 0;
        for (int i = 0; i < 500; i++) {
            max = Math.max(max, p.delayBeforeRetry(3));
        }
        assertThat(max).as("jitter spreads over the whole range").isGreaterThan(300L);
    }
}
