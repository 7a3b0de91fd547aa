package io.mailflow.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever the stream (any doubles, NaN and infinities included, any labels and sample weights), the state stays
 * {@link SecondOrderLogistic#healthy} (finite mean, finite symmetric covariance with a positive diagonal), the
 * variance of every margin stays positive and predictions stay in [0, 1].
 */
class SecondOrderLogisticPropertiesTest {
    record Example(double a, double b, double label, double weight) {}

    private static final SecondOrderLogistic LEARNER = new SecondOrderLogistic(100);

    @Provide
    Arbitrary<List<Example>> streams() {
        Arbitrary<Double> values = Arbitraries.oneOf(
                Arbitraries.doubles().between(-1e7, 1e7),
                Arbitraries.doubles().between(-10, 10),
                Arbitraries.of(
                        Double.NaN,
                        Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY,
                        Ftrl.MAX_ABS_FEATURE,
                        -Ftrl.MAX_ABS_FEATURE,
                        Double.MIN_VALUE,
                        0.0,
                        -0.0));
        Arbitrary<Double> labels =
                Arbitraries.oneOf(Arbitraries.of(0.0, 1.0, 1.0, 0.0, 0.5, -1.0, Double.NaN), Arbitraries.doubles());
        Arbitrary<Double> weights = Arbitraries.oneOf(
                Arbitraries.of(1.0, 1.0, 50.0, 1e6, 1e-300, 0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY),
                Arbitraries.doubles().between(0, 1e7));
        return Combinators.combine(values, values, labels, weights)
                .as(Example::new)
                .list()
                .ofMaxSize(300);
    }

    @Property(tries = 200)
    void theStateStaysHealthyAndPredictionsInTheUnitInterval(@ForAll("streams") List<Example> stream) {
        SecondOrderState s = LEARNER.initial(2);
        for (Example e : stream) {
            double[] x = {e.a(), e.b()};
            s = LEARNER.update(s, x, e.label(), e.weight());
            assertThat(SecondOrderLogistic.healthy(s)).isTrue();
            assertThat(SecondOrderLogistic.predict(SecondOrderLogistic.weights(s), x))
                    .isBetween(0.0, 1.0);
        }
        // the margin's variance along any example stays positive (the covariance stays positive definite there)
        double[] c = s.covariance();
        for (double[] x : new double[][] {{1, 0}, {0, 1}, {1, -1}, {0, 0}}) {
            double[] xi = {x[0], x[1], 1};
            double v = 0;
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    v += xi[a] * c[a * 3 + b] * xi[b];
                }
            }
            assertThat(v).isPositive();
        }
    }
}
