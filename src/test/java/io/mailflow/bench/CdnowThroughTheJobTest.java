package io.mailflow.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mailflow.config.MailflowOptions;
import io.mailflow.testing.SharedData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CDNOW through the job (issue 15): the purchase log imported as purchase events, a session per purchase day,
 * "buys again within 90 days" as the job's own label, on the first 12,000 lines of the dev half (about a third
 * of its customers, the whole 18 months). Checks that the path holds together and that the served learner ranks
 * above chance on the held-out later snapshots; the full figures are in docs/model-evaluation.md.
 */
class CdnowThroughTheJobTest {
    private static ModelEvaluation.Run run;

    @BeforeAll
    static void replay() throws Exception {
        Path cdnow = SharedData.require(ModelEvaluation.CDNOW);
        ModelEvaluation.Setup setup = new ModelEvaluation.Setup(
                "cdnow",
                "CDNOW slice",
                "cdnow",
                ModelEvaluation.CDNOW,
                ModelReplay.Sessions.GAP,
                Duration.ofHours(1),
                Duration.ofDays(90),
                Map.of(MailflowOptions.KMEANS_SAMPLE_MAX_AGE.key(), "548d"));
        Path data = cdnow.getParent().getParent();
        run = ModelEvaluation.run(setup, data, 0.7, 1, 12_000, 3, ModelEvaluation.withWholeReplayWindow(Map.of()), 1);
    }

    @Test
    void theJobLearnsRepeatPurchaseFromThePurchaseLog() {
        PropensityEvaluation.Result p = run.propensity();
        assertThat(run.outputs().events())
                .as("every line but the header is a purchase")
                .isGreaterThan(11_000);
        assertThat(p.testPositives()).isPositive().isLessThan(p.test());
        assertThat(p.censored())
                .as("the last 90 days' snapshots have no label yet")
                .isPositive();
        // the job's validation is what it served, computed again from its outputs
        assertThat(p.jobAuc()).isCloseTo(p.servedAuc(), within(1e-9));
        // the served learner on the same data ranks the later snapshots above chance (interval above 0.5)
        assertThat(p.binnedAuc().low()).isGreaterThan(0.5);
        assertThat(p.forestAuc().value()).isBetween(0.0, 1.0);
        assertThat(p.recencyAuc()).isBetween(0.0, 1.0);
        SegmentEvaluation.Result s = run.segments();
        assertThat(s.ratio()).isLessThanOrEqualTo(ModelEvaluationReport.SSE_TARGET);
        String report = ModelEvaluationReport.render(List.of(run), "test", "today", 0.7, 1, 3);
        assertThat(report).contains("CDNOW slice", "binned FTRL, same data", "random forest", "548d");
    }
}
