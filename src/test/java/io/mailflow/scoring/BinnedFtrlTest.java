package io.mailflow.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BinnedFtrlTest {

    private static BinnedFtrlSettings settings(int numeric, int categorical) {
        return new BinnedFtrlSettings(numeric, categorical, 8, 64, 256, 14, true, 0.1, 1.0, 0.0, 1.0, 0);
    }

    private static MixedFeatures x(double... numeric) {
        return new MixedFeatures(numeric, new String[0]);
    }

    /** Exact AUC by pair counting (ties count half): independent of the code under test. */
    private static double auc(double[] scores, double[] labels) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < scores.length; i++) {
            if (labels[i] != 1) {
                continue;
            }
            for (int j = 0; j < scores.length; j++) {
                if (labels[j] == 0) {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }
        return wins / pairs;
    }

    @Test
    void crossesOfBinsLearnAnInteractionThatALinearModelCannot() {
        // y = 1 in two opposite quadrants (XOR of signs), 10 % label noise
        Random r = new Random(17);
        BinnedFtrl learner = new BinnedFtrl(settings(2, 0));
        Ftrl linear = new Ftrl(0.1, 1.0, 0, 1.0);
        FtrlState linearState = FtrlState.initial(2);
        for (int i = 0; i < 20_000; i++) {
            double u = 2 * r.nextDouble() - 1;
            double v = 2 * r.nextDouble() - 1;
            double y = (u * v > 0) ^ (r.nextDouble() < 0.1) ? 1 : 0;
            learner.learn(x(u, v), y, 1);
            linearState = linear.update(linearState, new double[] {u, v}, y, 1);
        }
        int m = 2_000;
        double[] binned = new double[m];
        double[] raw = new double[m];
        double[] labels = new double[m];
        double[] w = linear.weights(linearState);
        for (int i = 0; i < m; i++) {
            double u = 2 * r.nextDouble() - 1;
            double v = 2 * r.nextDouble() - 1;
            labels[i] = u * v > 0 ? 1 : 0;
            binned[i] = learner.score(x(u, v));
            raw[i] = Ftrl.predict(w, new double[] {u, v});
        }
        assertThat(auc(binned, labels)).as("binned and crossed").isGreaterThan(0.9);
        assertThat(auc(raw, labels)).as("linear on raw values").isBetween(0.4, 0.6);
    }

    @Test
    void binEdgesFollowTheStreamsQuantiles() {
        Random r = new Random(3);
        BinnedFtrl learner = new BinnedFtrl(new BinnedFtrlSettings(1, 0, 4, 256, 256, 14, true, 0.1, 1.0, 0.0, 1.0, 0));
        for (int i = 0; i < 10_000; i++) {
            learner.learn(x(r.nextDouble()), r.nextInt(2), 1);
        }
        double[] edges = learner.edges(0);
        assertThat(edges).hasSize(3);
        assertThat(edges[0]).isCloseTo(0.25, within(0.02));
        assertThat(edges[1]).isCloseTo(0.5, within(0.02));
        assertThat(edges[2]).isCloseTo(0.75, within(0.02));
        assertThat(learner.bin(0, 0.1)).isZero();
        assertThat(learner.bin(0, 0.6)).isEqualTo(2);
        assertThat(learner.bin(0, 5)).isEqualTo(3);
        assertThat(learner.bin(0, edges[1]))
                .as("a value on an edge goes to the lower bin")
                .isEqualTo(1);
    }

    @Test
    void aHeavyAtomGetsItsOwnLowBin() {
        Random r = new Random(4);
        BinnedFtrl learner = new BinnedFtrl(settings(1, 0));
        for (int i = 0; i < 5_000; i++) {
            learner.learn(x(r.nextDouble() < 0.7 ? 0 : 1 + r.nextDouble()), 0, 1);
        }
        assertThat(learner.bin(0, 0)).isZero();
        assertThat(learner.bin(0, 1e-9))
                .as("just above the atom: past every edge at 0")
                .isGreaterThan(4);
    }

    @Test
    void nonFiniteValuesGoToTheMissingBinAndCanBeLearned() {
        BinnedFtrl learner = new BinnedFtrl(settings(1, 1));
        Random r = new Random(5);
        for (int i = 0; i < 5_000; i++) {
            boolean missing = r.nextDouble() < 0.3;
            double value = missing ? (i % 2 == 0 ? Double.NaN : Double.POSITIVE_INFINITY) : r.nextGaussian();
            learner.learn(
                    new MixedFeatures(new double[] {value}, new String[] {missing ? null : "a"}), missing ? 1 : 0, 1);
        }
        assertThat(learner.bin(0, Double.NaN)).isEqualTo(8);
        assertThat(learner.bin(0, Double.NEGATIVE_INFINITY)).isEqualTo(8);
        assertThat(learner.score(new MixedFeatures(new double[] {Double.NaN}, new String[] {null})))
                .isGreaterThan(0.9);
        assertThat(learner.score(new MixedFeatures(new double[] {0.3}, new String[] {"a"})))
                .isLessThan(0.1);
        assertThat(Arrays.stream(learner.weights()).allMatch(Double::isFinite)).isTrue();
    }

    @Test
    void categoriesAreLearnedFromTheirStrings() {
        BinnedFtrl learner = new BinnedFtrl(settings(0, 1));
        for (int i = 0; i < 3_000; i++) {
            learner.learn(
                    new MixedFeatures(new double[0], new String[] {i % 3 == 0 ? "Nov" : "Feb"}), i % 3 == 0 ? 1 : 0, 1);
        }
        assertThat(learner.score(new MixedFeatures(new double[0], new String[] {"Nov"})))
                .isGreaterThan(0.9);
        assertThat(learner.score(new MixedFeatures(new double[0], new String[] {"Feb"})))
                .isLessThan(0.1);
        assertThat(learner.score(new MixedFeatures(new double[0], new String[] {"never seen"})))
                .as("an unseen category falls back to the intercept")
                .isBetween(0.1, 0.6);
    }

    @Test
    void unlearnableExamplesChangeNothing() {
        BinnedFtrl learner = new BinnedFtrl(settings(1, 0));
        for (int i = 0; i < 100; i++) {
            learner.learn(x(i), i % 2, 1);
        }
        BinnedFtrlState before = learner.state();
        learner.learn(x(1), 0.5, 1);
        learner.learn(x(1), Double.NaN, 1);
        learner.learn(x(1), 1, Double.NaN);
        learner.learn(x(1), 1, -1);
        learner.learn(x(1), 1, 0);
        learner.learn(x(1), 1, Double.POSITIVE_INFINITY);
        BinnedFtrlState after = learner.state();
        assertThat(after.examples()).isEqualTo(before.examples());
        assertThat(after.z()).containsExactly(before.z());
        assertThat(after.n()).containsExactly(before.n());
        assertThatThrownBy(() -> learner.learn(x(1, 2), 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRestoredLearnerContinuesExactlyLikeTheOriginal() {
        BinnedFtrlSettings s = settings(2, 1).withCalibrationWindow(256);
        BinnedFtrl original = new BinnedFtrl(s);
        Random r = new Random(9);
        MixedFeatures[] stream = new MixedFeatures[4_000];
        double[] labels = new double[stream.length];
        for (int i = 0; i < stream.length; i++) {
            double a = r.nextGaussian();
            stream[i] = new MixedFeatures(new double[] {a, r.nextDouble()}, new String[] {"c" + r.nextInt(5)});
            labels[i] = r.nextDouble() < 1 / (1 + Math.exp(-2 * a)) ? 1 : 0;
        }
        for (int i = 0; i < 2_500; i++) {
            original.learn(stream[i], labels[i], 1);
        }
        BinnedFtrl restored = BinnedFtrl.restore(s, original.state());
        for (int i = 2_500; i < stream.length; i++) {
            assertThat(restored.learn(stream[i], labels[i], 1)).isEqualTo(original.learn(stream[i], labels[i], 1));
        }
        assertThat(restored.state().z()).containsExactly(original.state().z());
        assertThat(restored.edges(0)).containsExactly(original.edges(0));
        assertThatThrownBy(() -> BinnedFtrl.restore(s.withCalibrationWindow(0), original.state()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BinnedFtrl.restore(settings(3, 1), original.state()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSameStreamGivesTheSameModel() {
        BinnedFtrl a = new BinnedFtrl(BinnedFtrlSettings.defaults(2, 2));
        BinnedFtrl b = new BinnedFtrl(BinnedFtrlSettings.defaults(2, 2));
        Random r = new Random(1);
        for (int i = 0; i < 3_000; i++) {
            MixedFeatures f = new MixedFeatures(
                    new double[] {r.nextGaussian(), r.nextInt(10)}, new String[] {"x" + r.nextInt(3), null});
            double y = r.nextInt(2);
            a.learn(f, y, 1);
            b.learn(f, y, 1);
        }
        assertThat(a.weights()).containsExactly(b.weights());
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> settings(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> settings(1, 0).withBins(1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> settings(1, 0).withRegularization(0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> settings(1, 0).withRegularization(0.1, Double.NaN, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> settings(1, 0).withCalibrationWindow(10)).isInstanceOf(IllegalArgumentException.class);
    }
}
