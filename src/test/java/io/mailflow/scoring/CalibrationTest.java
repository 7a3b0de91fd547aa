package io.mailflow.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CalibrationTest {

    @Test
    void eceMatchesAHandComputedExample() {
        // bin [0.1, 0.2): scores 0.1, 0.15, labels 0, 1 -> mean 0.125, rate 0.5, |gap| 0.375, weight 2/5
        // bin [0.9, 1.0]: scores 0.9, 1.0, 0.95, labels 1, 1, 0 -> mean 0.95, rate 2/3, |gap| 0.28333, weight 3/5
        double[] scores = {0.1, 0.15, 0.9, 1.0, 0.95};
        double[] labels = {0, 1, 1, 1, 0};
        double expected = 0.4 * 0.375 + 0.6 * (0.95 - 2.0 / 3);
        assertThat(Calibration.expectedCalibrationError(scores, labels)).isCloseTo(expected, within(1e-12));

        List<Calibration.ReliabilityBin> bins = Calibration.reliability(scores, labels, 10);
        assertThat(bins).hasSize(10);
        assertThat(bins.get(1).count()).isEqualTo(2);
        assertThat(bins.get(1).meanScore()).isCloseTo(0.125, within(1e-12));
        assertThat(bins.get(1).positiveRate()).isCloseTo(0.5, within(1e-12));
        assertThat(bins.get(9).count())
                .as("a score of exactly 1 is in the last bin")
                .isEqualTo(3);
        assertThat(bins.get(0).count()).isZero();
        assertThat(bins.get(0).meanScore()).isNaN();
        assertThat(bins.get(0).lower()).isZero();
        assertThat(bins.get(9).upper()).isEqualTo(1.0);
    }

    @Test
    void aCalibratedModelHasSmallEceAndAnOverconfidentOneLarge() {
        Random r = new Random(11);
        int n = 100_000;
        double[] calibrated = new double[n];
        double[] overconfident = new double[n];
        double[] labels = new double[n];
        for (int i = 0; i < n; i++) {
            double p = r.nextDouble();
            labels[i] = r.nextDouble() < p ? 1 : 0;
            calibrated[i] = p;
            overconfident[i] = p < 0.5 ? p / 2 : 1 - (1 - p) / 2;
        }
        assertThat(Calibration.expectedCalibrationError(calibrated, labels)).isLessThan(0.01);
        // |p/2 - p| averaged over p in [0, 0.5) and symmetric: 0.125
        assertThat(Calibration.expectedCalibrationError(overconfident, labels)).isCloseTo(0.125, within(0.01));
    }

    @Test
    void theNoiseFloorShrinksWithTheSampleAndMatchesTheEceOfACalibratedModel() {
        Random r = new Random(12);
        double[] small = new double[500];
        double[] large = new double[50_000];
        for (int i = 0; i < large.length; i++) {
            large[i] = r.nextDouble();
            if (i < small.length) {
                small[i] = large[i];
            }
        }
        double smallFloor = Calibration.noiseFloor(small, 10, 200, 1);
        double largeFloor = Calibration.noiseFloor(large, 10, 20, 1);
        // about sqrt(p (1 - p) / n_b) per bin: ~0.03 with 50 scores a bin, ~0.003 with 5,000
        assertThat(smallFloor).isBetween(0.015, 0.05);
        assertThat(largeFloor).isBetween(0.001, 0.006);
        assertThat(Calibration.noiseFloor(small, 10, 200, 1))
                .as("deterministic")
                .isEqualTo(smallFloor);
    }

    @Test
    void constantBaseRatePredictorIsCalibratedInTheAggregate() {
        double[] scores = {0.25, 0.25, 0.25, 0.25};
        double[] labels = {1, 0, 0, 0};
        assertThat(Calibration.expectedCalibrationError(scores, labels)).isCloseTo(0, within(1e-12));
    }

    @Test
    void rejectsScoresOutsideTheUnitIntervalAndBadLabels() {
        assertThatThrownBy(() -> Calibration.expectedCalibrationError(new double[] {Double.NaN}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Calibration.expectedCalibrationError(new double[] {1.5}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Calibration.expectedCalibrationError(new double[] {0.5}, new double[] {0.5}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Calibration.expectedCalibrationError(new double[] {0.5}, new double[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Calibration.expectedCalibrationError(new double[0], new double[0]))
                .isNaN();
    }
}
