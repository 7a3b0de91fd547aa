package io.mailflow.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FrequencyCapTest {
    static final long H = 3_600_000L;

    @Test
    void allowsUpToMaxInTheRollingWindowThenWaitsForTheOldestToLeave() {
        FrequencyCap cap = new FrequencyCap(2, 24 * H);
        assertThat(cap.nextAllowed(10 * H, List.of())).isEqualTo(10 * H);
        assertThat(cap.nextAllowed(10 * H, List.of(1 * H))).isEqualTo(10 * H);
        assertThat(cap.nextAllowed(10 * H, List.of(1 * H, 5 * H))).isEqualTo(25 * H);
        // sends older than the window do not count
        assertThat(cap.nextAllowed(30 * H, List.of(1 * H, 5 * H))).isEqualTo(30 * H);
        assertThat(cap.nextAllowed(26 * H, List.of(1 * H, 5 * H, 20 * H))).isEqualTo(29 * H);
    }

    @Test
    void zeroMeansNoCap() {
        assertThat(FrequencyCap.none().nextAllowed(5, List.of(1L, 2L, 3L, 4L))).isEqualTo(5);
    }
}
