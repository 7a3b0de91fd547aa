package io.mailflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.testing.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The propensity learner on UCI Online Shoppers (dev half) against Smile's random forest, with the issue's
 * targets (issue 15): AUC at least the forest's minus 0.01, expected calibration error at most 0.02, on the
 * seeded 70 / 30 split of {@link UciShoppersEvaluation} (seed 42). Measured when written: learner 0.920, forest
 * 0.907, ECE 0.017 against a noise floor of 0.015 (see docs/model-evaluation.md). This split meets both targets;
 * on four other split seeds the AUC target was met three times (one miss by 0.0004) and the ECE target once
 * (0.014-0.031), so this test guards against regressions on a fixed split, not a claim that 0.02 always holds.
 * Skipped when the shared data is absent.
 */
class UciShoppersEvaluationTest {

    @Test
    void theBinnedLearnerMeetsTheIssuesTargetsAgainstTheRandomForest() throws Exception {
        Path file = SharedData.require(UciShoppersEvaluation.FILE);
        UciShoppersEvaluation.Result r = UciShoppersEvaluation.evaluate(file, ModelEvaluation.SEED);

        assertThat(r.train() + r.test()).isEqualTo(r.rows());
        assertThat(r.testPositives()).isGreaterThan(100);
        assertThat(r.learner().auc().value())
                .as(
                        "AUC >= random forest - 0.01 (forest %.3f)",
                        r.forest().auc().value())
                .isGreaterThanOrEqualTo(r.forest().auc().value() - UciShoppersReport.AUC_MARGIN);
        assertThat(r.learner().ece())
                .as("expected calibration error")
                .isLessThanOrEqualTo(UciShoppersReport.ECE_TARGET);
        // sanity: better than the strongest single column and than the base rate, and the references are sane
        assertThat(r.learner().auc().value()).isGreaterThan(r.pageValues().auc().value());
        assertThat(r.learner().logLoss()).isLessThan(r.constantLogLoss());
        assertThat(r.forest().auc().value()).isBetween(0.85, 1.0);
        assertThat(r.logistic().auc().value()).isBetween(0.85, 1.0);
        assertThat(r.learner().auc().low())
                .isLessThanOrEqualTo(r.learner().auc().value());
        assertThat(r.learner().auc().high())
                .isGreaterThanOrEqualTo(r.learner().auc().value());
        long binned =
                r.learner().reliability().stream().mapToLong(b -> b.count()).sum();
        assertThat(binned).isEqualTo(r.test());

        String section = UciShoppersReport.render(r);
        assertThat(section).contains("AUC target met", "ECE target met", "Smile RandomForest");
    }
}
