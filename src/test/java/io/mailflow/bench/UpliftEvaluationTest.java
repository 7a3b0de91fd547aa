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
        String report = UpliftEvaluation.report(results, 1000, 42, COMMAND);
        String out = System.getProperty("mailflow.upliftReport", "");
        if (!out.isBlank()) {
            Files.writeString(Path.of(out), report);
        }
        System.out.println(report);

        assertThat(all).hasSize(32_000);
        UpliftEvaluation.Result womenVisits = results.get(0);
        UpliftEvaluation.Result menVisits = results.get(2);
        UpliftEvaluation.Result menConversions = results.get(3);
        // Both campaigns raise visits; the men's campaign also conversions (the experiment's known result).
        assertThat(womenVisits.everyone().low()).as(report).isPositive();
        assertThat(menVisits.everyone().low()).as(report).isPositive();
        assertThat(menConversions.everyone().low()).as(report).isPositive();
        // The online learner targets women's-campaign visits better than random: Qini interval above 0.
        assertThat(womenVisits.methods()[ONLINE].qini().low()).as(report).isPositive();
        assertThat(womenVisits.methods()[ONLINE].upliftAt()[AT_30].value())
                .as(report)
                .isGreaterThan(womenVisits.everyone().value());
        // ... but reaches only about 80-85 % of the batch reference's uplift@30 % on visits (the issue asks >= 90 %):
        // this bound catches a regression of the learner, it is not the target.
        for (UpliftEvaluation.Result r : List.of(womenVisits, menVisits)) {
            double online = r.methods()[ONLINE].upliftAt()[AT_30].value();
            double batch = r.methods()[BATCH].upliftAt()[AT_30].value();
            assertThat(online).as(report).isGreaterThanOrEqualTo(0.75 * batch);
        }
    }
}
