package io.mailflow.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Comparator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UpliftLearnerTest {
    private static final Ftrl FTRL = new Ftrl(0.1, 0.1, 0.001, 0.01);
    private static final UpliftLearner LEARNER = new UpliftLearner(FTRL);
    private static final Comparator<Double> CLOSE =
            (a, b) -> Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)) ? 0 : Double.compare(a, b);

    /**
     * Three kinds of user (one-hot x): persuadable (the e-mail raises the rate 10 % -> 30 %), sure thing (40 %
     * either way) and sleeping dog (the e-mail lowers it 30 % -> 10 %), with a 10 % holdout.
     */
    @Test
    void ranksPersuadablesAboveSureThingsAboveSleepingDogs() {
        SplittableRandom rng = new SplittableRandom(7);
        double[][] kinds = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        double[] treatedRate = {0.3, 0.4, 0.1};
        double[] controlRate = {0.1, 0.4, 0.3};
        UpliftState s = UpliftState.initial(3);
        for (int i = 0; i < 60_000; i++) {
            int k = rng.nextInt(3);
            boolean treated = rng.nextDouble() < 0.9;
            double y = rng.nextDouble() < (treated ? treatedRate[k] : controlRate[k]) ? 1 : 0;
            s = LEARNER.update(s, kinds[k], treated, 0.9, y, 1);
        }
        UpliftModel m = LEARNER.model(UpliftLearner.nextVersion(s));

        assertThat(m.version()).isEqualTo(1);
        assertThat(m.uplift(kinds[0])).isCloseTo(0.2, within(0.05));
        assertThat(m.uplift(kinds[1])).isCloseTo(0.0, within(0.05));
        assertThat(m.uplift(kinds[2])).isCloseTo(-0.2, within(0.05));
        assertThat(m.treatedProbability(kinds[1])).isCloseTo(0.4, within(0.05));
        assertThat(s.treated().examples() + s.control().examples()).isEqualTo(60_000);
        assertThat(s.control().examples()).isBetween(5_000L, 7_000L);
    }

    @Test
    void weightsEachArmByItsInverseAssignmentProbability() {
        double[] x = {2};
        UpliftState treated = LEARNER.update(UpliftState.initial(1), x, true, 0.8, 1, 1);
        UpliftState control = LEARNER.update(UpliftState.initial(1), x, false, 0.8, 1, 3);

        // treated: 1 / (2 * 0.8) = 0.625; control: 3 / (2 * 0.2) = 7.5
        assertThat(treated.treated())
                .usingRecursiveComparison()
                .withComparatorForType(CLOSE, Double.class)
                .isEqualTo(FTRL.update(FtrlState.initial(1), x, 1, 0.625));
        assertThat(treated.control())
                .usingRecursiveComparison()
                .withComparatorForType(CLOSE, Double.class)
                .isEqualTo(FtrlState.initial(1));
        assertThat(control.control())
                .usingRecursiveComparison()
                .withComparatorForType(CLOSE, Double.class)
                .isEqualTo(FTRL.update(FtrlState.initial(1), x, 1, 7.5));
        assertThat(control.treated())
                .usingRecursiveComparison()
                .withComparatorForType(CLOSE, Double.class)
                .isEqualTo(FtrlState.initial(1));
    }

    @Test
    void clipsExtremePropensities() {
        double[] x = {1};
        UpliftState s = LEARNER.update(UpliftState.initial(1), x, false, 0.999999, 1, 1);
        // clipped to 0.99: weight 1 / (2 * 0.01) = 50
        assertThat(s.control())
                .usingRecursiveComparison()
                .withComparatorForType(CLOSE, Double.class)
                .isEqualTo(FTRL.update(FtrlState.initial(1), x, 1, 50));
    }

    /**
     * When the assignment probability depends on the user (targeting with exploration) and the arm model is
     * misspecified, inverse propensity weighting fits each arm to the whole population, not to the targeted users.
     */
    @Test
    void propensityWeightingRemovesTheTargetingBiasOfAMisspecifiedArm() {
        SplittableRandom rng = new SplittableRandom(11);
        double[] none = new double[0]; // intercept only: the model can only learn the arm's average rate
        UpliftState weighted = UpliftState.initial(0);
        UpliftState unweighted = UpliftState.initial(0);
        for (int i = 0; i < 100_000; i++) {
            boolean targeted = rng.nextBoolean(); // half the users were chosen by an earlier model
            double e = targeted ? 0.9 : 0.1; // ... and are e-mailed with probability 0.9, the others with 0.1
            boolean treated = rng.nextDouble() < e;
            double rate = treated ? (targeted ? 0.5 : 0.1) : 0.1;
            double y = rng.nextDouble() < rate ? 1 : 0;
            weighted = LEARNER.update(weighted, none, treated, e, y, 1);
            unweighted = LEARNER.update(unweighted, none, treated, 0.5, y, 1);
        }
        // the population's treated rate is (0.5 + 0.1) / 2 = 0.3; the treated users are 90 % targeted ones (0.46)
        assertThat(LEARNER.model(weighted).treatedProbability(none)).isCloseTo(0.3, within(0.03));
        assertThat(LEARNER.model(unweighted).treatedProbability(none)).isCloseTo(0.46, within(0.03));
        assertThat(LEARNER.model(weighted).uplift(none)).isCloseTo(0.2, within(0.03));
    }

    @Test
    void badExamplesLeaveTheStateUnchanged() {
        UpliftState s = LEARNER.update(UpliftState.initial(1), new double[] {1}, true, 0.5, 1, 1);
        for (double p : new double[] {0, 1, -0.1, Double.NaN}) {
            assertThat(LEARNER.update(s, new double[] {1}, true, p, 1, 1)).isSameAs(s);
        }
        assertThat(LEARNER.update(s, new double[] {Double.NaN}, false, 0.5, 1, 1))
                .isSameAs(s);
        assertThat(LEARNER.update(s, new double[] {1}, false, 0.5, 0.5, 1)).isSameAs(s);
        assertThat(LEARNER.update(s, new double[] {1}, false, 0.5, 1, 0)).isSameAs(s);
        assertThat(UpliftLearner.healthy(s)).isTrue();
        assertThatThrownBy(() -> LEARNER.update(s, new double[] {1, 2}, true, 0.5, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
