package io.mailflow.recommendations;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Next-item quality gate on YOOCHOOSE: on a seeded slice of the test split the job's learner must rank the
 * next click far better than popularity and close to the batch item-kNN ({@code -Dmailflow.sessionRecSample=0}
 * evaluates the whole split; {@code -Dmailflow.sessionRecReport=FILE} writes the section). The full evaluation
 * is part of docs/recommendations-report.md, written by {@link RecommendationEvaluationTest}.
 */
class SessionRecEvaluationTest {

    @Test
    void theStreamingLearnerBeatsPopularityAndTracksTheBatchItemKnn() throws Exception {
        Path train = SharedData.require("yoochoose-rsc15/yoochoose-clicks-100k_train_full.txt");
        Path test = SharedData.require("yoochoose-rsc15/yoochoose-clicks-100k_test.txt");
        int sample = Integer.getInteger("mailflow.sessionRecSample", 600);
        SessionRecEvaluation.Result r = SessionRecEvaluation.evaluate(train, test, sample);
        String report = SessionRecEvaluation.report(r, RecommendationEvaluationTest.COMMAND);
        System.out.println(report);
        String out = System.getProperty("mailflow.sessionRecReport", "");
        if (!out.isBlank()) {
            Files.writeString(Path.of(out), report);
        }
        assertThat(r.predictions()).isGreaterThan(1000);
        double learner = r.get(SessionRecEvaluation.LEARNER, 1).value();
        double mrr = r.get(SessionRecEvaluation.LEARNER, 3).value();
        // sane: rates in [0, 1], MRR below HR, @20 at least @10
        assertThat(learner).as(report).isBetween(0.0, 1.0);
        assertThat(mrr).as(report).isLessThanOrEqualTo(learner);
        assertThat(learner)
                .as(report)
                .isGreaterThanOrEqualTo(r.get(SessionRecEvaluation.LEARNER, 0).value());
        // the learner beats popularity by far, and its interval lies above popularity's
        assertThat(learner)
                .as(report)
                .isGreaterThan(5 * r.get(SessionRecEvaluation.POPULARITY, 1).value());
        assertThat(r.get(SessionRecEvaluation.LEARNER, 1).low())
                .as(report)
                .isGreaterThan(r.get(SessionRecEvaluation.POPULARITY, 1).high());
        // and it is not far below the batch item-kNN (the lower end of the paired difference)
        assertThat(r.learnerMinusBatch()[1].value()).as(report).isGreaterThan(-0.05);
        assertThat(r.learnerMinusBatch()[3].value()).as(report).isGreaterThan(-0.05);
        // the learned lists are as good as the batch lists in the same ranking (within 0.02)
        assertThat(r.learnerMinusBatchBlended()[1].value()).as(report).isGreaterThan(-0.02);
        assertThat(r.learnerMinusBatchBlended()[3].value()).as(report).isGreaterThan(-0.02);
    }
}
