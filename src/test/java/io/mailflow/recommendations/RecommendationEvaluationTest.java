package io.mailflow.recommendations;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.testing.SharedData;
import io.mailflow.tools.importer.CsvFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The recommendation quality gate: on the REES46 replay the job's ranking must at least double the
 * hit-rate@10 of the best popularity baseline. With {@code -Dmailflow.recommendationReport=FILE} it also
 * writes the report, with the full YOOCHOOSE next-item evaluation ({@link SessionRecEvaluation}) as its second
 * part (docs/recommendations-report.md is generated this way: {@value #COMMAND}).
 */
class RecommendationEvaluationTest {
    static final String COMMAND =
            "mvn -B -ntp test -Dtest=RecommendationEvaluationTest -Dmailflow.recommendationReport=docs/recommendations-report.md";

    @Test
    void coOccurrenceBeatsPopularityOnTheReplays() throws Exception {
        Path rees46 = SharedData.require("rees46/2019-Oct-head17k.csv");
        Path taobao = SharedData.require("taobao-userbehavior/UserBehavior-2017-11-26T01.csv");
        RecommendationEvaluation.Result r = RecommendationEvaluation.evaluate(
                "REES46 2019-Oct head (17k events)", CsvFormat.named("rees46"), rees46);
        RecommendationEvaluation.Result t = RecommendationEvaluation.evaluate(
                "Taobao UserBehavior 2017-11-26 01:00-02:00", CsvFormat.named("taobao"), taobao);
        String report = RecommendationEvaluation.report(List.of(r, t));
        String out = System.getProperty("mailflow.recommendationReport", "");
        if (!out.isBlank()) {
            // the report also carries the full YOOCHOOSE next-item evaluation (SessionRecEvaluationTest runs a slice)
            SessionRecEvaluation.Result y = SessionRecEvaluation.evaluate(
                    SharedData.require("yoochoose-rsc15/yoochoose-clicks-100k_train_full.txt"),
                    SharedData.require("yoochoose-rsc15/yoochoose-clicks-100k_test.txt"),
                    0);
            Files.writeString(Path.of(out), report + "\n" + SessionRecEvaluation.report(y, COMMAND));
        }
        System.out.println(report);
        assertThat(r.points()).isGreaterThan(100);
        assertThat(r.lift()).as(report).isGreaterThanOrEqualTo(2.0);
    }
}
