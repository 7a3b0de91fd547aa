package io.mailflow.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class OnlineStandardizerTest {

    @Test
    void matchesTwoPassMeanAndVariance() {
        double[] xs = {2, 4, 4, 4, 5, 5, 7, 9};
        StandardizerState s = OnlineStandardizer.empty(2);
        for (double x : xs) {
            s = OnlineStandardizer.update(s, new double[] {x, 1e9 + x});
        }
        assertThat(s.mean()[0]).isCloseTo(5.0, within(1e-12));
        assertThat(OnlineStandardizer.variance(s)[0]).isCloseTo(4.0, within(1e-12));
        // Large offsets do not cancel catastrophically.
        assertThat(OnlineStandardizer.variance(s)[1]).isCloseTo(4.0, within(1e-6));
        assertThat(OnlineStandardizer.standardize(s, new double[] {9, 1e9 + 9}))
                .containsExactly(new double[] {2.0, 2.0}, within(1e-6));
    }

    @Test
    void mergeEqualsSequentialUpdate() {
        StandardizerState a = OnlineStandardizer.empty(1);
        StandardizerState b = OnlineStandardizer.empty(1);
        StandardizerState all = OnlineStandardizer.empty(1);
        for (int i = 0; i < 10; i++) {
            double[] x = {i * i};
            all = OnlineStandardizer.update(all, x);
            if (i < 4) {
                a = OnlineStandardizer.update(a, x);
            } else {
                b = OnlineStandardizer.update(b, x);
            }
        }
        StandardizerState merged = OnlineStandardizer.merge(a, b);
        assertThat(merged.count()).isEqualTo(10);
        assertThat(merged.mean()[0]).isCloseTo(all.mean()[0], within(1e-9));
        assertThat(merged.m2()[0]).isCloseTo(all.m2()[0], within(1e-9));
    }

    @Test
    void constantDimensionIsCentredNotBlownUp() {
        StandardizerState s = OnlineStandardizer.update(
                OnlineStandardizer.update(OnlineStandardizer.empty(1), new double[] {3}), new double[] {3});
        assertThat(OnlineStandardizer.standardize(s, new double[] {4})).containsExactly(1.0);
    }
}
