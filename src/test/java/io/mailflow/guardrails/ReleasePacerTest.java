package io.mailflow.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReleasePacerTest {
    @Test
    void slotsAreSpacedByTheIntervalAndNeverInThePast() {
        ReleasePacer p = new ReleasePacer(4); // 250 ms
        assertThat(p.take(1_000)).isEqualTo(1_000);
        assertThat(p.take(1_000)).isEqualTo(1_250);
        assertThat(p.take(1_100)).isEqualTo(1_500);
        assertThat(p.take(5_000)).as("idle time is not banked as a burst").isEqualTo(5_000);
        assertThat(p.take(5_000)).isEqualTo(5_250);
    }

    @Test
    void eachInstanceTakesItsShareOfTheJobsRate() {
        assertThat(ReleasePacer.forInstance(20, 2).intervalMs()).isEqualTo(100);
        assertThat(ReleasePacer.forInstance(0, 2)).as("no rate: no pacing").isNull();
    }

    @Test
    void aTimerIsOverdueOnlyWhenFarLate() {
        ReleasePacer p = new ReleasePacer(10); // 100 ms: tolerance 5 s
        assertThat(p.overdue(1_000, 1_200)).isFalse();
        assertThat(p.overdue(1_000, 6_000)).isFalse();
        assertThat(p.overdue(1_000, 6_001)).isTrue();
    }

    @Test
    void aRateMustBePositiveAndFinite() {
        assertThatThrownBy(() -> new ReleasePacer(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReleasePacer(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReleasePacer(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
