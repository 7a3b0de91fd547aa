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
}
