package io.mailflow.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PlattCalibratorTest {

    @Test
    void recoversTheSlopeAndOffsetOfAMiscalibratedMargin() {
        // true P(y = 1 | m) = sigmoid(0.5 m - 1): the margin is twice too confident and too high
        Random r = new Random(21);
        PlattCalibrator c = new PlattCalibrator(20_000);
        for (int i = 0; i < 20_000; i++) {
            double m = 3 * r.nextGaussian();
            c.add(m, r.nextDouble() < 1 / (1 + Math.exp(-(0.5 * m - 1))) ? 1 : 0);
        }
        c.refit();
        assertThat(c.slope()).isCloseTo(0.5, within(0.05));
        assertThat(c.offset()).isCloseTo(-1, within(0.1));
        assertThat(c.probability(2)).isCloseTo(0.5, within(0.05));
    }

    @Test
    void isTheIdentityUntilItHasBothClassesAndForgetsOldMargins() {
        PlattCalibrator c = new PlattCalibrator(100);
        for (int i = 0; i < 100; i++) {
            c.add(i % 7 - 3, 0);
        }
        c.refit();
        assertThat(c.slope()).isEqualTo(1);
        assertThat(c.offset()).isZero();
        assertThat(c.probability(0)).isEqualTo(0.5);
        assertThat(c.probability(Double.NaN)).isEqualTo(0.5);
        assertThat(c.probability(Double.POSITIVE_INFINITY)).isBetween(0.0, 1.0);
        // 100 new margins where the label is 1 half of the time, independent of the margin: slope -> floor
        Random r = new Random(2);
        for (int i = 0; i < 100; i++) {
            c.add(r.nextGaussian(), i % 2);
        }
        c.refit();
        assertThat(c.probability(0)).isCloseTo(0.5, within(0.1));
        assertThat(c.probability(0.5)).isCloseTo(0.5, within(0.15));
    }

    @Test
    void aRestoredCalibratorIsTheSame() {
        Random r = new Random(8);
        PlattCalibrator c = new PlattCalibrator(64);
        for (int i = 0; i < 200; i++) {
            double m = r.nextGaussian();
            c.add(m, r.nextDouble() < 1 / (1 + Math.exp(-m)) ? 1 : 0);
        }
        c.refit();
        PlattCalibrator restored = PlattCalibrator.restore(c.state());
        assertThat(restored.slope()).isEqualTo(c.slope());
        assertThat(restored.offset()).isEqualTo(c.offset());
        restored.add(1, 1);
        c.add(1, 1);
        restored.refit();
        c.refit();
        assertThat(restored.probability(0.3)).isEqualTo(c.probability(0.3));
    }
}
