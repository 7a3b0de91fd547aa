package io.mailflow.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mailflow.testing.SharedData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The model evaluation on a slice of the Taobao log (the first ~20 minutes, short gap and horizon so that
 * labels arrive within it): not a quality gate, a check that the replay, the Smile references and the
 * report hold together. The full evaluation is {@link ModelEvaluation#main}, see docs/model-evaluation.md.
 */
class ModelEvaluationTest {
    private static ModelEvaluation.Run run;

    @BeforeAll
    static void replayASlice() throws Exception {
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
        run = ModelEvaluation.run(setup, data, 0.7, 1, 15_000, 3, ModelEvaluation.withWholeReplayWindow(Map.of()), 2);
    }

    /**
     * Issue 15: the job's published validation means "how good were the scores we served". The report pairs
     * the job's score output (first score per snapshot) with its example output (labels; censored snapshots
     * have none) on its own; the job's served-score join and validator must publish the same figures.
     */
    @Test
    void theJobsPublishedProgressiveAucEqualsTheReportsServedScoreAuc() {
        PropensityEvaluation.Result p = run.propensity();
        assertThat(p.servedPositives())
                .as("both classes among the served scores, so that the AUC is defined")
                .isPositive()
                .isLessThan(p.servedOutcomes());
        assertThat(p.jobExamples())
                .as("the last publication counts every labelled served score")
                .isEqualTo(p.servedOutcomes());
        assertThat(p.jobWindow()).isEqualTo(p.servedOutcomes());
        assertThat(p.jobAuc()).isBetween(0.0, 1.0).isCloseTo(p.servedAuc(), within(1e-9));
        assertThat(p.jobLogLoss()).isFinite().isCloseTo(p.servedLogLoss(), within(1e-9));
        assertThat(p.jobEce()).isBetween(0.0, 1.0).isCloseTo(p.servedEce(), within(1e-9));
        assertThat(p.servedMismatch()).isLessThan(1e-9);
        assertThat(p.servedOutcomes())
                .as("labelled, uncensored snapshots that were served a score")
                .isLessThanOrEqualTo(p.examples());
        System.err.printf(
                "served scores: %d (%d positive); job AUC %.6f / log loss %.6f / ECE %.6f; report AUC %.6f; learn-time"
                        + " AUC on the test part %.4f, replayed served AUC %.4f%n",
                p.servedOutcomes(),
                p.servedPositives(),
                p.jobAuc(),
                p.jobLogLoss(),
                p.jobEce(),
                p.servedAuc(),
                p.learnTimeAuc(),
                p.onlineAuc().value());
    }

    /** A snapshot whose horizon event time never reached is censored: no negative example, hence not evaluated. */
    @Test
    void snapshotsWhoseHorizonOutlastedTheReplayAreCensoredNotNegative() {
        ModelReplay.Outputs out = run.outputs();
        long horizon = run.setup().horizon().toMillis();
        assertThat(out.features().size())
                .as("the slice ends with snapshots whose horizon had not passed")
                .isGreaterThan(out.examples().size());
        // The replay's last watermark is the last event's time - 1: a negative needs its horizon passed by then.
        assertThat(out.examples())
                .filteredOn(e -> e.label() < 0.5)
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.snapshotTime() + horizon).isLessThan(out.dataEnd()));
    }

    @Test
    void aSliceOfTheTaobaoLogYieldsSaneFigures() {
        PropensityEvaluation.Result p = run.propensity();
        assertThat(p.trainPositives()).isPositive();
        assertThat(p.testPositives()).isPositive();
        for (double auc : List.of(
                p.batchAuc().value(),
                p.sameDataAuc().value(),
                p.onlineAuc().value(),
                p.learnTimeAuc(),
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
        assertThat(report)
                .contains("Taobao slice", "SSE ratio", "batch AUC", "ECE (10 bins)", "job's published validation");
    }
}
