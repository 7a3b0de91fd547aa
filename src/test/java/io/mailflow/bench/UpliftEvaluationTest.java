package io.mailflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The uplift evaluation on the Hillstrom development half (docs/uplift-evaluation.md is written by this test with
 * {@code -Dmailflow.upliftReport=FILE}). It asserts the findings docs/uplift.md states, not the targets,
 * which the online learner does not meet on this data.
 */
class UpliftEvaluationTest {
    static final String COMMAND =
            "mvn -B -ntp -q test -Dtest=UpliftEvaluationTest -Dmailflow.upliftReport=docs/uplift-evaluation.md";
    static final int ONLINE = 0;
    static final int BATCH = 1;
    static final int AT_30 = 1;

    @Test
    void hillstromDevelopmentHalf() throws Exception {
        Path file = SharedData.require(UpliftEvaluation.HILLSTROM);
        List<UpliftEvaluation.Customer> all = UpliftEvaluation.read(file);
        List<UpliftEvaluation.Result> results = new ArrayList<>();
        for (String campaign : List.of("Womens E-Mail", "Mens E-Mail")) {
            for (String outcome : List.of("visit", "conversion")) {
                results.add(UpliftEvaluation.evaluate(all, campaign, outcome, 1000, 42));
            }
        }
        List<UpliftCandidates.Cell> validation = new ArrayList<>();
        for (String campaign : List.of("Womens E-Mail", "Mens E-Mail")) {
            for (String outcome : List.of("visit", "conversion")) {
                for (int fold = 0; fold < 2; fold++) {
                    validation.add(UpliftCandidates.validate(all, campaign, outcome, fold, 1000, 42));
                }
            }
        }
        List<UpliftConvergence.Distance> convergence = new ArrayList<>();
        for (String campaign : List.of("Womens E-Mail", "Mens E-Mail")) {
            for (String outcome : List.of("visit", "conversion")) {
                convergence.add(UpliftConvergence.measure(all, campaign, outcome));
            }
        }
        String report = UpliftEvaluation.report(results, validation, convergence, 1000, 42, COMMAND);
        String out = System.getProperty("mailflow.upliftReport", "");
        if (!out.isBlank()) {
            Files.writeString(Path.of(out), report);
        }
        System.out.println(report);

        assertThat(all).hasSize(32_000);
        // The validation inside the training rows cannot tell the candidates apart on visits: the job keeps its
        // linear two-model learner (docs/uplift.md, "Choosing the learner"); the second-order arms, added later,
        // do not pass the rule either (mean -0.31 points, ahead in 2 of 4 pairs).
        assertThat(UpliftCandidates.choose(validation))
                .as(report)
                .isEqualTo(UpliftCandidates.Candidate.LINEAR_TWO_MODEL);
        // The second-order arms converge: one pass lands much closer to the batch fit of the same prior than the
        // job's FTRL does on visits (training rows only); that alone does not make them pass the rule above.
        for (UpliftConvergence.Distance d : List.of(convergence.get(0), convergence.get(2))) {
            assertThat(d.secondOrder()).as(report).isLessThan(0.5 * d.ftrlOnePass());
        }
        UpliftEvaluation.Result womenVisits = results.get(0);
        UpliftEvaluation.Result menVisits = results.get(2);
        UpliftEvaluation.Result menConversions = results.get(3);
        // Both campaigns raise visits; the men's campaign also conversions (the experiment's known result).
        assertThat(womenVisits.everyone().low()).as(report).isPositive();
        assertThat(menVisits.everyone().low()).as(report).isPositive();
        assertThat(menConversions.everyone().low()).as(report).isPositive();
        // The online learner (on inputs standardized as the job standardizes them) ranks visits better than random
        // on both campaigns (Qini point estimates above 0; the intervals hold 0) and its women's top 30 % gain more
        // than e-mailing everyone.
        for (UpliftEvaluation.Result r : List.of(womenVisits, menVisits)) {
            assertThat(r.methods()[ONLINE].qini().value()).as(report).isPositive();
        }
        assertThat(womenVisits.methods()[ONLINE].upliftAt()[AT_30].value())
                .as(report)
                .isGreaterThan(womenVisits.everyone().value());
        // Online uplift@30 % on visits is 0.76 (women) and 1.03 (men) of the batch reference (the issue asks >= 0.90
        // on both): this bound catches a regression of the learner, it is not the target.
        for (UpliftEvaluation.Result r : List.of(womenVisits, menVisits)) {
            double online = r.methods()[ONLINE].upliftAt()[AT_30].value();
            double batch = r.methods()[BATCH].upliftAt()[AT_30].value();
            assertThat(online).as(report).isGreaterThanOrEqualTo(0.70 * batch);
        }
    }
}
