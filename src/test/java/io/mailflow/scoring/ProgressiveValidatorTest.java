package io.mailflow.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ProgressiveValidatorTest {

    @Test
    void aucCountsCorrectlyOrderedPairsAndHalfOfTies() {
        ProgressiveValidator v = new ProgressiveValidator(10);
        v.add(0.1, 0);
        v.add(0.4, 1);
        v.add(0.35, 0);
        v.add(0.8, 1);
        // pairs (pos, neg): (0.4,0.1) ok, (0.4,0.35) ok, (0.8,0.1) ok, (0.8,0.35) ok
        assertThat(v.auc()).isEqualTo(1.0);
        v.add(0.5, 0);
        // now 2 positives x 3 negatives = 6 pairs; (0.4, 0.5) is wrong: 5/6
        assertThat(v.auc()).isCloseTo(5.0 / 6, within(1e-12));
        v.add(0.8, 0);
        // tie (0.8 pos, 0.8 neg) counts half: 2 x 4 = 8 pairs, correct = 5 + 0.5 + (0.4 vs 0.8: 0)
        assertThat(v.auc()).isCloseTo(5.5 / 8, within(1e-12));
    }

    @Test
    void aucIsUndefinedWithOneClass() {
        ProgressiveValidator v = new ProgressiveValidator(3);
        v.add(0.2, 1);
        v.add(0.9, 1);
        assertThat(v.auc()).isNaN();
        assertThat(new ProgressiveValidator(3).logLoss()).isNaN();
    }

    @Test
    void logLossIsTheMeanNegativeLogLikelihood() {
        ProgressiveValidator v = new ProgressiveValidator(4);
        v.add(0.8, 1);
        v.add(0.4, 0);
        assertThat(v.logLoss()).isCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, within(1e-12));
        v.add(0.0, 1); // clipped, finite
        assertThat(v.logLoss()).isFinite().isGreaterThan(10);
    }

    @Test
    void slidingWindowForgetsTheOldestAndRestoresInOrder() {
        ProgressiveValidator v = new ProgressiveValidator(3);
        v.add(0.9, 0); // will slide out
        v.add(0.1, 0);
        v.add(0.7, 1);
        v.add(0.2, 0);
        assertThat(v.size()).isEqualTo(3);
        assertThat(v.scores()).containsExactly(0.1, 0.7, 0.2);
        assertThat(v.labels()).containsExactly(0.0, 1.0, 0.0);
        assertThat(v.auc()).isEqualTo(1.0);

        ProgressiveValidator restored = ProgressiveValidator.restore(2, v.scores(), v.labels());
        assertThat(restored.scores()).containsExactly(0.7, 0.2);
        restored.add(0.3, 1);
        assertThat(restored.scores()).containsExactly(0.2, 0.3);
    }
}
