package io.mailflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Off-policy evaluation of the job's Thompson sampler on the Open Bandit "men" logs (docs/bandit-evaluation.md is
 * written by this test with {@code -Dmailflow.banditReport=FILE}).
 */
class BanditEvaluationTest {
    static final String COMMAND =
            "mvn -B -ntp -q test -Dtest=BanditEvaluationTest -Dmailflow.banditReport=docs/bandit-evaluation.md";
    static final int RESAMPLES = 1000;
    static final int DRAWS = 20_000;
    static final long SEED = 42;
    /** Pseudo-impressions of the diagnostic prior: one fixed, round choice, not tuned. */
    static final long PRIOR = 1000;

    @Test
    void openBanditMen() throws Exception {
        List<BanditEvaluation.Impression> random = BanditEvaluation.read(SharedData.require(BanditEvaluation.RANDOM));
        List<BanditEvaluation.Impression> bts = BanditEvaluation.read(SharedData.require(BanditEvaluation.BTS));
        List<BanditEvaluation.Impression> randomFirst = random.subList(0, random.size() / 2);
        List<BanditEvaluation.Impression> randomSecond = random.subList(random.size() / 2, random.size());

        double[] fromBts = BanditEvaluation.policy(BanditEvaluation.stats(bts), DRAWS, SEED);
        double[] fromRandom = BanditEvaluation.policy(BanditEvaluation.stats(random), DRAWS, SEED);
        double[] fromRandomFirst = BanditEvaluation.policy(BanditEvaluation.stats(randomFirst), DRAWS, SEED);
        double[] fromBtsPrior = BanditEvaluation.policy(
                BanditEvaluation.withPooledPrior(BanditEvaluation.stats(bts), PRIOR), DRAWS, SEED);
        double[] greedyBts = BanditEvaluation.greedy(BanditEvaluation.stats(bts));
        Map<String, double[]> policies = new LinkedHashMap<>();
        policies.put("job TS, counts of the Bernoulli TS log", fromBts);
        policies.put("job TS, counts of the random log", fromRandom);
        policies.put("job TS, counts of the random log's first half", fromRandomFirst);
        policies.put("diagnostic: job TS, Bernoulli TS log's counts + pooled-rate prior", fromBtsPrior);
        policies.put("diagnostic: greedy, Bernoulli TS log's counts", greedyBts);

        List<BanditEvaluation.OnPolicy> logged = List.of(
                BanditEvaluation.onPolicy("uniform random (random/men)", random, RESAMPLES, SEED),
                BanditEvaluation.onPolicy("uniform random, second half by time", randomSecond, RESAMPLES, SEED),
                BanditEvaluation.onPolicy("Bernoulli Thompson sampling (bts/men)", bts, RESAMPLES, SEED));
        List<BanditEvaluation.Result> results = new ArrayList<>();
        results.add(BanditEvaluation.evaluate(
                "uniform random (check: IPS = on-policy CTR)",
                "-",
                "random log",
                BanditEvaluation.uniform(),
                BanditEvaluation.rewardModel(random),
                random,
                bts,
                RESAMPLES,
                SEED));
        results.add(BanditEvaluation.evaluate(
                "job TS",
                "Bernoulli TS log (all)",
                "random log (all)",
                fromBts,
                BanditEvaluation.rewardModel(bts),
                random,
                bts,
                RESAMPLES,
                SEED));
        results.add(BanditEvaluation.evaluate(
                "job TS",
                "random log, first half",
                "random log, second half",
                fromRandomFirst,
                BanditEvaluation.rewardModel(randomFirst),
                randomSecond,
                bts,
                RESAMPLES,
                SEED));
        results.add(BanditEvaluation.evaluate(
                "job TS",
                "random log (all)",
                "Bernoulli TS log (all)",
                fromRandom,
                BanditEvaluation.rewardModel(random),
                bts,
                bts,
                RESAMPLES,
                SEED));

        results.add(BanditEvaluation.evaluate(
                "diagnostic: job TS + pooled-rate prior (" + PRIOR + " pseudo-impressions)",
                "Bernoulli TS log (all)",
                "random log (all)",
                fromBtsPrior,
                BanditEvaluation.rewardModel(bts),
                random,
                bts,
                RESAMPLES,
                SEED));
        results.add(BanditEvaluation.evaluate(
                "diagnostic: greedy on the posterior mean",
                "Bernoulli TS log (all)",
                "random log (all)",
                greedyBts,
                BanditEvaluation.rewardModel(bts),
                random,
                bts,
                RESAMPLES,
                SEED));

        String report = BanditEvaluation.report(logged, results, policies, RESAMPLES, DRAWS, SEED, COMMAND);
        String out = System.getProperty("mailflow.banditReport", "");
        if (!out.isBlank()) {
            Files.writeString(Path.of(out), report);
        }
        System.out.println(report);

        assertThat(random).hasSize(10_000);
        assertThat(bts).hasSize(10_000);
        // IPS of the uniform policy on the uniform log is exactly its click rate: the estimator is wired right.
        assertThat(results.get(0).ips().value())
                .isEqualTo(logged.get(0).ctr().value(), org.assertj.core.api.Assertions.within(1e-12));
    }
}
