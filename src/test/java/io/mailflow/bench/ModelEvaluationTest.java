package io.mailflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.testing.SharedData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The model evaluation on a slice of the Taobao log (the first ~20 minutes, short gap and horizon so that
 * labels arrive within it): not a quality gate, a check that the replay, the Smile references and the
 * report hold together. The full evaluation is {@link ModelEvaluation#main}, see docs/model-evaluation.md.
 */
class ModelEvaluationTest {

    @Test
    void aSliceOfTheTaobaoLogYieldsSaneFigures() throws Exception {
        Path taobao = SharedData.require(ModelEvaluation.TAOBAO);
        ModelEvaluation.Setup setup = new ModelEvaluation.Setup(
                "taobao",
                "Taobao slice",
                "taobao",
                ModelEvaluation.TAOBAO,
                ModelReplay.Sessions.GAP,
                Duration.ofMinutes(2),
                Duration.ofMinutes(5));
        Path data = taobao.getParent().getParent();
        ModelEvaluation.Run run = ModelEvaluation.run(setup, data, 0.7, 1, 15_000, 3, Map.of(), 2);

        PropensityEvaluation.Result p = run.propensity();
        assertThat(p.replayMismatch())
                .as("the replayed FTRL reproduces the job's published AUCs")
                .isLessThan(1e-9);
        assertThat(p.trainPositives()).isPositive();
        assertThat(p.testPositives()).isPositive();
        for (double auc : List.of(
                p.batchAuc().value(),
                p.sameDataAuc().value(),
                p.onlineAuc().value(),
                p.progressiveAuc(),
                p.purchaseFrequencyAuc(),
                p.cartAuc())) {
            assertThat(auc).isBetween(0.0, 1.0);
        }
        assertThat(p.batchLogLoss()).isFinite().isPositive();
        assertThat(p.constantLogLoss()).isFinite().isPositive();
        for (double ece : List.of(p.batchEce(), p.sameDataEce(), p.onlineEce())) {
            assertThat(ece).isBetween(0.0, 1.0);
        }

        SegmentEvaluation.Result s = run.segments();
        assertThat(s.versions()).isGreaterThan(1);
        assertThat(s.ratio()).isFinite().isPositive();
        // issue 15: the refitted model at batch quality, and the same models whenever the same input is replayed
        assertThat(run.repeatedSseRatios())
                .hasSize(2)
                .allSatisfy(r -> assertThat(r).isLessThanOrEqualTo(ModelEvaluationReport.SSE_TARGET));
        assertThat(run.repeatsIdentical())
                .as("a replay of the same input gives the same models")
                .isTrue();
        assertThat(s.meanStability()).isBetween(0.0, 1.0);

        String report = ModelEvaluationReport.render(List.of(run), "test", "today", 0.7, 1, 3);
        assertThat(report).contains("Taobao slice", "SSE ratio", "batch AUC", "ECE (10 bins)");
    }
}
