package io.mailflow.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrivacyBudgetTest {

    /** Releases allowed from a fresh budget before the first refusal. */
    static int releasesUntilRefused(Calibration c, double budgetEpsilon, double delta) {
        PrivacyBudget b = PrivacyBudget.fresh();
        int n = 0;
        while (b.allows(c, budgetEpsilon, delta)) {
            b = b.charged(c);
            n++;
        }
        return n;
    }

    @Test
    void laplaceReleasesAddUpTheirEpsilonsAndStopAtTheBudget() {
        Calibration c = Calibration.of(NoiseMechanism.LAPLACE, 0.1, 0, 1, 1);
        assertThat(releasesUntilRefused(c, 1.0, 0)).isEqualTo(10); // 10 x 0.1 fits despite rounding
        assertThat(releasesUntilRefused(Calibration.of(NoiseMechanism.LAPLACE, 1.0, 0, 1), 3.0, 0))
                .isEqualTo(3);
    }

    @Test
    void aRefusalIsCountedAndSpendsNothing() {
        Calibration c = Calibration.of(NoiseMechanism.LAPLACE, 2.0, 0, 1);
        PrivacyBudget b = PrivacyBudget.fresh().charged(c);
        assertThat(b.allows(c, 3.0, 0)).isFalse();
        PrivacyBudget refused = b.refused().refused();
        assertThat(refused.refusals()).isEqualTo(2);
        assertThat(refused.epsilonSpent()).isEqualTo(2.0);
        assertThat(refused.releases()).isEqualTo(1);
        assertThat(refused.allows(c, 3.0, 0)).isFalse();
    }

    @Test
    void gaussianReleasesComposeBelowTheSumOfTheirEpsilons() {
        double delta = 1e-6;
        Calibration c = Calibration.of(NoiseMechanism.GAUSSIAN, 1.0, delta, 1, 1, 1, 1, 100);
        // one release is calibrated to exactly epsilon 1 at this delta
        assertThat(Calibration.epsilonOf(c.cost(), delta)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        // rho = (sqrt(ln(1/delta) + 1) - sqrt(ln(1/delta)))^2 = 0.017469; eight fit in epsilon 3, not nine
        assertThat(c.cost()).isCloseTo(0.017469, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(releasesUntilRefused(c, 3.0, delta)).isEqualTo(8);
    }

    @Test
    void scalesFollowTheSensitivityAndAreRoundedUp() {
        Calibration laplace = Calibration.of(NoiseMechanism.LAPLACE, 1.0, 0, 1, 1, 1, 1, 10_000);
        assertThat(laplace.scales()[0]).isEqualTo(Rational.of(5, 1)); // 5 figures x sensitivity 1 / epsilon 1
        assertThat(laplace.scales()[4]).isEqualTo(Rational.of(50_000, 1));
        Calibration third = Calibration.of(NoiseMechanism.LAPLACE, 3.0, 0, 1);
        assertThat(third.scales()[0]).isEqualTo(Rational.of(334, 1000)); // 1/3 rounded up, never down
        Calibration gauss = Calibration.of(NoiseMechanism.GAUSSIAN, 1.0, 1e-6, 1, 1, 1, 1, 100);
        // sigma^2 = 5 * 1 / (2 rho): each figure spends rho/5
        assertThat(gauss.scales()[0].toDouble())
                .isCloseTo(5 / (2 * gauss.cost()), org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void impossibleParametersAreRefused() {
        assertThatThrownBy(() -> Calibration.of(NoiseMechanism.LAPLACE, 0, 0, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Calibration.of(NoiseMechanism.LAPLACE, 1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Calibration.of(NoiseMechanism.GAUSSIAN, 1, 0, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
