package io.mailflow.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PropensityModelTest {

    @Test
    void flinkMlServableScoresWithTheInterceptAsLastCoefficient() {
        LogRegModel model = new LogRegModel(5, new double[] {0.5, -1.0}, 0.25, 100);
        PropensityModel loaded = PropensityModel.load(model);

        double[] x = {2.0, 0.5};
        double expected = 1.0 / (1.0 + Math.exp(-(0.5 * 2.0 - 1.0 * 0.5 + 0.25)));
        assertThat(loaded.version()).isEqualTo(5);
        assertThat(loaded.score(x)).isCloseTo(expected, within(1e-12));
        assertThat(loaded.score(x)).as("scoring twice is stable").isCloseTo(expected, within(1e-12));
        assertThat(x).containsExactly(2.0, 0.5);
    }

    @Test
    void agreesWithFtrlPrediction() {
        Ftrl ftrl = new Ftrl(0.1, 0.1, 0.01, 0.01);
        FtrlState s = FtrlState.initial(3);
        for (int i = 0; i < 50; i++) {
            s = ftrl.update(s, new double[] {i % 3, -1, i % 2}, i % 2, 1);
        }
        double[] x = {1, 2, 3};
        assertThat(PropensityModel.load(ftrl.model(s)).score(x))
                .isCloseTo(Ftrl.predict(ftrl.weights(s), x), within(1e-12));
    }

    @Test
    void theServableScoresABinnedModelExactlyAsItsLearner() {
        BinnedFtrlSettings settings = new BinnedFtrlSettings(3, 0, 8, 256, 64, 12, true, 0.05, 1.0, 0.0, 1.0, 256);
        BinnedFtrl learner = new BinnedFtrl(settings);
        java.util.Random r = new java.util.Random(11);
        for (int i = 0; i < 3000; i++) {
            double[] x = {r.nextGaussian(), r.nextDouble() * 10, r.nextInt(4)};
            double label = r.nextDouble() < 1 / (1 + Math.exp(-(2 * x[0] - 0.3 * x[1]))) ? 1 : 0;
            learner.learn(new MixedFeatures(x, new String[0]), label, 1.0);
        }
        BinnedModel published = learner.model();
        assertThat(published.valid()).isTrue();
        assertThat(published.calibrationSlope())
                .as("the calibration layer has been fitted")
                .isNotEqualTo(1.0);
        PropensityModel loaded =
                PropensityModel.load(new LogRegModel(4, new double[0], published.intercept(), 3000, published));
        assertThat(loaded.binned()).isTrue();
        for (int i = 0; i < 200; i++) {
            double[] raw = {r.nextGaussian(), r.nextDouble() * 10, i % 5 == 0 ? Double.NaN : r.nextInt(4)};
            assertThat(loaded.score(new double[3], raw))
                    .as("served score of %s", java.util.Arrays.toString(raw))
                    .isCloseTo(learner.score(new MixedFeatures(raw, new String[0])), within(1e-9));
        }
    }

    @Test
    void aBinnedModelWithAnIndexOutsideItsSpaceIsRefused() {
        BinnedModel bad = new BinnedModel(
                1, 0, 4, 8, true, new double[][] {{1, 2, 3}}, new int[] {256}, new double[] {1.0}, 0, 1, 0);
        assertThat(bad.valid()).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> PropensityModel.load(new LogRegModel(1, new double[0], 0, 1, bad)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid binned form");
    }
}
