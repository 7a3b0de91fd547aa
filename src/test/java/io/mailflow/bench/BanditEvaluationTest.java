package io.mailflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.campaigns.BanditPrior;
import io.mailflow.campaigns.VariantStats;
import io.mailflow.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
    /** Pseudo-impressions of the diagnostic fixed-strength prior: one fixed, round choice, not tuned. */
    static final long PRIOR = 1000;

    @Test
    void openBanditMen() throws Exception {
        List<BanditEvaluation.Impression> random = BanditEvaluation.read(SharedData.require(BanditEvaluation.RANDOM));
        List<BanditEvaluation.Impression> bts = BanditEvaluation.read(SharedData.require(BanditEvaluation.BTS));
        List<BanditEvaluation.Impression> randomFirst = random.subList(0, random.size() / 2);
        List<BanditEvaluation.Impression> randomSecond = random.subList(random.size() / 2, random.size());

        Map<String, List<BanditEvaluation.Impression>> training = new LinkedHashMap<>();
        training.put("Bernoulli TS log (all)", bts);
        training.put("random log, first half", randomFirst);
        training.put("random log (all)", random);
        Map<String, List<BanditEvaluation.Impression>> evaluation = new LinkedHashMap<>();
        evaluation.put("random log (all)", random);
        evaluation.put("random log, second half", randomSecond);
        evaluation.put("Bernoulli TS log (all)", bts);
        List<String> evaluatedOn = List.copyOf(evaluation.keySet());
        BanditPrior fixed = new BanditPrior(BanditPrior.Kind.POOLED, PRIOR);

        List<BanditEvaluation.OnPolicy> logged = List.of(
                BanditEvaluation.onPolicy("uniform random (random/men)", random, RESAMPLES, SEED),
                BanditEvaluation.onPolicy("uniform random, second half by time", randomSecond, RESAMPLES, SEED),
                BanditEvaluation.onPolicy("Bernoulli Thompson sampling (bts/men)", bts, RESAMPLES, SEED));
        List<BanditEvaluation.Result> results = new ArrayList<>();
        Map<String, double[]> policies = new LinkedHashMap<>();
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
        int row = 0;
        for (Map.Entry<String, List<BanditEvaluation.Impression>> t : training.entrySet()) {
            String on = evaluatedOn.get(row++);
            List<BanditEvaluation.Impression> log = evaluation.get(on);
            Map<String, VariantStats> stats = BanditEvaluation.stats(t.getValue());
            double[] q = BanditEvaluation.rewardModel(t.getValue());
            double[] prior = BanditEvaluation.priorOf(stats, BanditPrior.POOLED);
            double[] uniform = BanditEvaluation.policy(stats, DRAWS, SEED, BanditPrior.UNIFORM);
            double[] pooled = BanditEvaluation.policy(stats, DRAWS, SEED, BanditPrior.POOLED);
            String pooledName = String.format(
                    Locale.ROOT,
                    "job TS, **pooled** prior (moments: strength %,.0f, mean %.3f %%)",
                    prior[0],
                    100 * prior[1]);
            results.add(BanditEvaluation.evaluate(
                    "job TS, uniform prior (before)", t.getKey(), on, uniform, q, log, bts, RESAMPLES, SEED));
            results.add(BanditEvaluation.evaluate(pooledName, t.getKey(), on, pooled, q, log, bts, RESAMPLES, SEED));
            policies.put("job TS, uniform prior, counts of the " + t.getKey(), uniform);
            policies.put("job TS, pooled prior, counts of the " + t.getKey(), pooled);
        }
        double[] fromBtsFixed = BanditEvaluation.policy(BanditEvaluation.stats(bts), DRAWS, SEED, fixed);
        double[] greedyBts = BanditEvaluation.greedy(BanditEvaluation.stats(bts));
        policies.put(
                "diagnostic: job TS, pooled prior of 1,000 pseudo-impressions, Bernoulli TS log's counts",
                fromBtsFixed);
        policies.put("diagnostic: greedy, Bernoulli TS log's counts", greedyBts);
        results.add(BanditEvaluation.evaluate(
                "diagnostic: job TS, pooled prior of " + PRIOR + " pseudo-impressions (fixed strength)",
                "Bernoulli TS log (all)",
                "random log (all)",
                fromBtsFixed,
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
