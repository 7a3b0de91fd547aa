package io.mailflow.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FtrlTest {
    private static final double TOL = 1e-12;

    @Test
    void oneStepMatchesHandComputedValues() {
        Ftrl ftrl = new Ftrl(0.1, 0.1, 0, 0);
        // w = 0, so p = 0.5; x = (2, 1 for the intercept), y = 1: g = (-1, -0.5)
        // sigma = (sqrt(g^2) - 0) / alpha = (10, 5); z = g - sigma * 0 = (-1, -0.5); n = g^2 = (1, 0.25)
        FtrlState s = ftrl.update(FtrlState.initial(1), new double[] {2}, 1, 1);

        assertThat(s.z()).containsExactly(new double[] {-1, -0.5}, within(TOL));
        assertThat(s.n()).containsExactly(new double[] {1, 0.25}, within(TOL));
        assertThat(s.examples()).isEqualTo(1);
        // w = -z / ((beta + sqrt(n)) / alpha) = (1 / 11, 0.5 / 6)
        assertThat(ftrl.weights(s)).containsExactly(new double[] {1.0 / 11, 0.5 / 6}, within(TOL));
    }

    @Test
    void l1AndL2ShrinkCoefficientsButNotTheIntercept() {
        Ftrl ftrl = new Ftrl(0.1, 0.1, 0.5, 1.0);
        FtrlState s = ftrl.update(FtrlState.initial(1), new double[] {2}, 1, 1);
        // w_0 = -(z - sgn(z) l1) / ((beta + sqrt(n)) / alpha + l2) = 0.5 / 12; the intercept is unregularized
        assertThat(ftrl.weights(s)).containsExactly(new double[] {0.5 / 12, 0.5 / 6}, within(TOL));

        Ftrl sparse = new Ftrl(0.1, 0.1, 1.0, 0);
        assertThat(sparse.weights(s)[0]).as("|z| <= l1 gives exactly zero").isZero();
    }

    @Test
    void sampleWeightScalesTheGradient() {
        Ftrl ftrl = new Ftrl(0.1, 0.1, 0, 0);
        FtrlState s = ftrl.update(FtrlState.initial(1), new double[] {2}, 1, 2.0);
        // g = 2 * (0.5 - 1) * (2, 1) = (-2, -1); n = (4, 1); w = (2 / 21, 1 / 11)
        assertThat(s.n()).containsExactly(new double[] {4, 1}, within(TOL));
        assertThat(ftrl.weights(s)).containsExactly(new double[] {2.0 / 21, 1.0 / 11}, within(TOL));
    }

    @Test
    void learnsASeparableProblemAndTheBaseRate() {
        Ftrl ftrl = new Ftrl(0.1, 0.1, 0, 0);
        Random r = new Random(3);
        FtrlState s = FtrlState.initial(2);
        for (int i = 0; i < 5000; i++) {
            double[] x = {r.nextGaussian(), r.nextGaussian()};
            s = ftrl.update(s, x, x[0] > 0 ? 1 : 0, 1);
        }
        double[] w = ftrl.weights(s);
        assertThat(w[0]).isGreaterThan(1.0);
        assertThat(Math.abs(w[1])).isLessThan(w[0] / 5);
        assertThat(Ftrl.predict(w, new double[] {2, 0})).isGreaterThan(0.9);

        // Constant features, 80% positive: the intercept alone must learn log(0.8 / 0.2).
        FtrlState base = FtrlState.initial(1);
        for (int i = 0; i < 20000; i++) {
            base = ftrl.update(base, new double[] {0}, i % 5 == 0 ? 0 : 1, 1);
        }
        assertThat(Ftrl.predict(ftrl.weights(base), new double[] {0})).isCloseTo(0.8, within(0.02));
    }

    @Test
    void modelCarriesVersionCoefficientsAndIntercept() {
        Ftrl ftrl = new Ftrl(0.1, 0.1, 0, 0);
        FtrlState s = ftrl.update(FtrlState.initial(1), new double[] {2}, 1, 1);
        LogRegModel model = ftrl.model(new FtrlState(7, s.examples(), s.z(), s.n()));
        assertThat(model.version()).isEqualTo(7);
        assertThat(model.coefficients()).containsExactly(new double[] {1.0 / 11}, within(TOL));
        assertThat(model.intercept()).isCloseTo(0.5 / 6, within(TOL));
        assertThatThrownBy(() -> ftrl.update(s, new double[] {1, 2}, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
