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
 * Whatever the stream (any doubles, NaN and infinities included; any strings and nulls; any labels and sample
 * weights), the learner's weights stay finite, its scores stay in [0, 1] and its bin edges finite and sorted.
 */
class BinnedFtrlPropertiesTest {
    record Example(double a, double b, String c, double label, double weight) {}

    private static final BinnedFtrlSettings SETTINGS =
            new BinnedFtrlSettings(2, 1, 4, 8, 16, 8, true, 0.5, 0.1, 0.01, 0.0, 64);

    @Provide
    Arbitrary<List<Example>> streams() {
        Arbitrary<Double> values = Arbitraries.oneOf(
                Arbitraries.doubles().between(-1e308, 1e308),
                Arbitraries.doubles().between(-10, 10),
                Arbitraries.of(
                        Double.NaN,
                        Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY,
                        Double.MAX_VALUE,
                        -Double.MAX_VALUE,
                        Double.MIN_VALUE,
                        0.0,
                        -0.0));
        Arbitrary<String> categories = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(5), Arbitraries.of("x", "y"), Arbitraries.just(null));
        Arbitrary<Double> labels =
                Arbitraries.oneOf(Arbitraries.of(0.0, 1.0, 1.0, 0.0, 0.5, -1.0, Double.NaN), Arbitraries.doubles());
        Arbitrary<Double> weights = Arbitraries.oneOf(
                Arbitraries.of(1.0, 1.0, 1e6, 1e-300, 0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY),
                Arbitraries.doubles().between(0, 1e7));
        return Combinators.combine(values, values, categories, labels, weights)
                .as(Example::new)
                .list()
                .ofMaxSize(300);
    }

    @Property(tries = 200)
    void weightsStayFiniteAndScoresInTheUnitInterval(@ForAll("streams") List<Example> stream) {
        BinnedFtrl learner = new BinnedFtrl(SETTINGS);
        for (Example e : stream) {
            MixedFeatures x = new MixedFeatures(new double[] {e.a(), e.b()}, new String[] {e.c()});
            double progressive = learner.learn(x, e.label(), e.weight());
            assertThat(progressive).isBetween(0.0, 1.0);
            assertThat(learner.score(x)).isBetween(0.0, 1.0);
        }
        for (double w : learner.weights()) {
            assertThat(w).isFinite();
        }
        for (int i = 0; i < 2; i++) {
            double[] edges = learner.edges(i);
            for (int k = 0; k < edges.length; k++) {
                assertThat(edges[k]).isFinite();
                if (k > 0) {
                    assertThat(edges[k]).isGreaterThanOrEqualTo(edges[k - 1]);
                }
            }
        }
        BinnedFtrlState state = learner.state();
        for (int c = 0; c < state.z().length; c++) {
            assertThat(state.z()[c]).isFinite();
            assertThat(state.n()[c]).isFinite().isGreaterThanOrEqualTo(0.0);
        }
    }
}
