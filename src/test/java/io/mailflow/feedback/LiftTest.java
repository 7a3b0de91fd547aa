package io.mailflow.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LiftTest {

    @Test
    void wilsonIntervalMatchesPublishedValues() {
        // Newcombe (1998), table I: 0/10 -> [0, 0.2775]; 1/29 -> [0.0061, 0.1718]
        double[] zero = Lift.wilson(0, 10, Lift.Z95);
        assertThat(zero[0]).isEqualTo(0.0);
        assertThat(zero[1]).isCloseTo(0.2775, within(1e-4));
        double[] one = Lift.wilson(1, 29, Lift.Z95);
        assertThat(one[0]).isCloseTo(0.0061, within(1e-4));
        assertThat(one[1]).isCloseTo(0.1718, within(1e-4));
    }

    @Test
    void differenceIntervalMatchesNewcombesWorkedExample() {
        // Newcombe (1998), method 10, example (a): 56/70 - 48/80 = 0.2000, 95% CI 0.0524 to 0.3339
        Lift l = Lift.of(56, 70, 48, 80);
        assertThat(l.absolute()).isCloseTo(0.2, within(1e-9));
        assertThat(l.low()).isCloseTo(0.0524, within(1e-4));
        assertThat(l.high()).isCloseTo(0.3339, within(1e-4));
        assertThat(l.relative()).isCloseTo(0.2 / 0.6, within(1e-9));
        assertThat(l.significant()).isTrue();
    }

    @Test
    void smallGroupsGiveWideIntervalsThatContainZero() {
        Lift l = Lift.of(2, 20, 1, 20);
        assertThat(l.low()).isLessThan(0).isGreaterThanOrEqualTo(-1);
        assertThat(l.high()).isGreaterThan(0).isLessThanOrEqualTo(1);
        assertThat(l.significant()).isFalse();
    }

    @Test
    void noLiftWithoutBothGroupsAndNoRelativeLiftOverAZeroRate() {
        assertThat(Lift.of(1, 10, 0, 0)).isNull();
        assertThat(Lift.of(0, 0, 1, 10)).isNull();
        assertThat(Lift.of(3, 10, 0, 10).relative()).isNaN();
    }
}
