package io.mailflow.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mailflow.scoring.LogRegModel;
import io.mailflow.scoring.UpliftModel;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpliftTargetingTest {
    private static final CampaignDefinition CAMPAIGN =
            Campaigns.of("up", "{type: abandoned-cart}", "holdoutPercent: 20");
    /** uplift(x) = sigmoid(x0) - 0.5: positive for x0 > 0, negative below; version 7. */
    private static final UpliftModel MODEL = new UpliftModel(
            7, new LogRegModel(7, new double[] {1}, 0, 100), new LogRegModel(7, new double[] {0}, 0, 100));

    private static final UpliftTargeting TARGETING = new UpliftTargeting(0.1, 0.1);

    @Test
    void keepsTheHoldoutAndTheExplorationShareWhateverTheScore() {
        Map<UpliftTargeting.Outcome, Integer> low = tally(new double[] {-3});
        Map<UpliftTargeting.Outcome, Integer> high = tally(new double[] {3});

        // 20,000 users: 20 % holdout, 10 % of the rest explored, the others by score
        assertThat(low.get(UpliftTargeting.Outcome.HOLDOUT)).isBetween(3_700, 4_300);
        assertThat(low.get(UpliftTargeting.Outcome.EXPLORED)).isBetween(1_400, 1_800);
        assertThat(low.get(UpliftTargeting.Outcome.NOT_TARGETED)).isBetween(14_000, 14_800);
        assertThat(low.get(UpliftTargeting.Outcome.TARGETED)).isZero();
        assertThat(high.get(UpliftTargeting.Outcome.HOLDOUT)).isEqualTo(low.get(UpliftTargeting.Outcome.HOLDOUT));
        assertThat(high.get(UpliftTargeting.Outcome.EXPLORED)).isEqualTo(low.get(UpliftTargeting.Outcome.EXPLORED));
        assertThat(high.get(UpliftTargeting.Outcome.NOT_TARGETED)).isZero();
    }

    @Test
    void everyDecisionCarriesScoreVersionAndTheSamePropensityInEveryArm() {
        for (int i = 0; i < 200; i++) {
            UpliftTargeting.Decision low = TARGETING.decide("u" + i, CAMPAIGN, MODEL, new double[] {-3});
            UpliftTargeting.Decision high = TARGETING.decide("u" + i, CAMPAIGN, MODEL, new double[] {3});
            assertThat(low.modelVersion()).isEqualTo(7);
            assertThat(low.score()).isCloseTo(1 / (1 + Math.exp(3)) - 0.5, within(1e-12));
            // (1 - h) * e below the threshold, (1 - h) above it, whichever arm the user is in
            assertThat(low.propensity()).isCloseTo(0.8 * 0.1, within(1e-12));
            assertThat(high.propensity()).isCloseTo(0.8, within(1e-12));
            assertThat(low.outcome() == UpliftTargeting.Outcome.HOLDOUT)
                    .isEqualTo(high.outcome() == UpliftTargeting.Outcome.HOLDOUT);
        }
    }

    @Test
    void withoutAModelEveryNonHoldoutUserIsEmailed() {
        int emailed = 0;
        for (int i = 0; i < 1_000; i++) {
            UpliftTargeting.Decision d = TARGETING.decide("u" + i, CAMPAIGN, null, new double[] {-3});
            assertThat(d.outcome()).isIn(UpliftTargeting.Outcome.HOLDOUT, UpliftTargeting.Outcome.UNTARGETED);
            assertThat(d.modelVersion()).isZero();
            assertThat(d.score()).isNaN();
            assertThat(d.propensity()).isCloseTo(0.8, within(1e-12));
            emailed += d.outcome().emailed() ? 1 : 0;
        }
        assertThat(emailed).isBetween(760, 840);
        // a feature layout the model does not know is treated like no model, never an exception
        assertThat(TARGETING.decide("u1", CAMPAIGN, MODEL, new double[] {1, 2}).modelVersion())
                .isZero();
    }

    @Test
    void topShareThresholdAndValidation() {
        double[] scores = {0.5, 0.1, 0.4, 0.2, 0.3, 0.0, -0.1, 0.6, 0.7, 0.8};
        assertThat(UpliftTargeting.thresholdForTopShare(scores, 0.3)).isEqualTo(0.6);
        assertThat(UpliftTargeting.thresholdForTopShare(scores, 1)).isEqualTo(-1);
        assertThat(UpliftTargeting.thresholdForTopShare(new double[0], 0.3)).isEqualTo(-1);
        assertThatThrownBy(() -> UpliftTargeting.thresholdForTopShare(scores, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UpliftTargeting(0, 1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UpliftTargeting(Double.NaN, 0.1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Map<UpliftTargeting.Outcome, Integer> tally(double[] x) {
        Map<UpliftTargeting.Outcome, Integer> n = new EnumMap<>(UpliftTargeting.Outcome.class);
        for (UpliftTargeting.Outcome o : UpliftTargeting.Outcome.values()) {
            n.put(o, 0);
        }
        for (int i = 0; i < 20_000; i++) {
            n.merge(TARGETING.decide("user-" + i, CAMPAIGN, MODEL, x).outcome(), 1, Integer::sum);
        }
        return n;
    }
}
