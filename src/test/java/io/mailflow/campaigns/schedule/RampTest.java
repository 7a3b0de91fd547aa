package io.mailflow.campaigns.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RampTest {

    @Test
    void theInstancesSharesAddUpToTheRateExactly() {
        for (int p : new int[] {1, 2, 3, 7}) {
            for (long rate : new long[] {1, 2, 10, 1000, 1001}) {
                long total = IntStream.range(0, p)
                        .mapToLong(i -> Ramp.share(rate, i, p))
                        .sum();
                assertThat(total).as("rate %d over %d instances", rate, p).isEqualTo(rate);
            }
        }
        assertThat(Ramp.share(1001, 0, 2)).isEqualTo(501);
        assertThat(Ramp.share(1001, 1, 2)).isEqualTo(500);
    }

    @Test
    void aTickGrantsOneMinutesShareHoweverLongAgoTheLastOneWasAndARepeatedTickNothing() {
        assertThat(Ramp.budget(100, 0, 2, Long.MIN_VALUE, 0)).isEqualTo(50);
        assertThat(Ramp.budget(100, 0, 2, 0, Ramp.TICK_MS)).isEqualTo(50);
        assertThat(Ramp.budget(100, 0, 2, 0, 60 * Ramp.TICK_MS)).isEqualTo(50);
        assertThat(Ramp.budget(100, 0, 2, Ramp.TICK_MS, Ramp.TICK_MS)).isZero();
    }
}
