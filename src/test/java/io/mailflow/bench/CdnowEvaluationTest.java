package io.mailflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.testing.SharedData;
import org.junit.jupiter.api.Test;

/**
 * Repeat purchase within 90 days on CDNOW (dev half), RFM snapshots, batch (not through the job). Measured when
 * written: learner 0.834, logistic regression 0.837, random forest 0.836, recency alone 0.829; the target
 * (AUC >= best batch - 0.01 and > recency alone) holds on the point estimates, but the margin over recency
 * (+0.004, interval [-0.002, +0.010]) is not decided by this data: this test guards against regressions.
 */
class CdnowEvaluationTest {

    @Test
    void theLearnerMatchesTheBatchReferencesAndIsNotBelowRecency() throws Exception {
        CdnowEvaluation.Result r =
                CdnowEvaluation.evaluate(SharedData.require(CdnowEvaluation.FILE), ModelEvaluation.SEED);

        assertThat(r.test()).isEqualTo(r.customers());
        assertThat(r.testPositives()).isGreaterThan(500);
        double best = Math.max(r.logistic().auc().value(), r.forest().auc().value());
        assertThat(r.learner().auc().value()).isGreaterThanOrEqualTo(best - 0.01);
        assertThat(r.learner().auc().value()).isGreaterThan(r.recency().auc().value());
        assertThat(r.recency().auc().value())
                .as("recency alone is a strong baseline")
                .isGreaterThan(0.75);
        assertThat(r.learner().ece()).isBetween(0.0, 0.1);
        assertThat(CdnowEvaluation.render(r)).contains("recency alone", "Smile RandomForest");
    }
}
