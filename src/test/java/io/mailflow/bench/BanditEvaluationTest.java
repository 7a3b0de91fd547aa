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

    /** Rows per (training, evaluation) pair in {@link #candidates}. */
    static final int CANDIDATES = 10;
    /** The job's defaults {@code kmeans.k} and {@code kmeans.restarts}: not chosen on these logs. */
    static final int KMEANS_K = 8;

    static final int KMEANS_RESTARTS = 10;

    /**
     * The context-free job TS (pooled prior) and the position-aware and contextual candidates, all with the pooled
     * prior, trained on {@code train} and scored on {@code log}, each against the context-free one on the same
     * resamples. DR's reward model is the per-item one of {@code train} for every row, so rows differ only in the
     * policy.
     */
    static List<BanditEvaluation.Result> candidates(
            List<BanditEvaluation.Impression> train,
            String trainedOn,
            List<BanditEvaluation.Impression> log,
            String evaluatedOn,
            List<BanditEvaluation.Impression> bts) {
        BanditPrior prior = BanditPrior.POOLED;
        double[] flat = BanditEvaluation.policy(BanditEvaluation.stats(train), DRAWS, SEED, prior);
        double[][] base = BanditEvaluation.everywhere(log, flat);
        double[][] q = BanditEvaluation.everywhere(log, BanditEvaluation.rewardModel(train));
        Map<String, double[][]> rows = new LinkedHashMap<>();
        rows.put("job TS, pooled prior, context-free (baseline)", base);
        rows.put(
                "position-aware: counts per (position, item)",
                BanditPolicies.byPosition(train, log, DRAWS, SEED, prior));
        double[] theta = BanditPolicies.positionFactors(train);
        rows.put(
                String.format(
                        Locale.ROOT,
                        "position-normalised exposures (factors %.2f / %.2f / %.2f)",
                        theta[1],
                        theta[2],
                        theta[3]),
                BanditEvaluation.everywhere(log, BanditPolicies.positionNormalised(train, DRAWS, SEED, prior)));
        for (int f = 0; f < BanditEvaluation.USER_FEATURES; f++) {
            rows.put(
                    "segment = user_feature_" + f + ": counts per (segment, item)",
                    BanditPolicies.bySegment(train, log, f, DRAWS, SEED, prior));
        }
        rows.put(
                "segment = the job's k-means segment (k " + KMEANS_K + ", one-hot user features; added after the "
                        + "first scoring): counts per (segment, item)",
                BanditPolicies.byKMeansSegment(train, log, KMEANS_K, KMEANS_RESTARTS, DRAWS, SEED, prior));
        rows.put(
                "diagnostic (not a job policy): highest user-item affinity first",
                BanditPolicies.affinityFirst(log, flat));
        rows.put(
                "diagnostic: the training log's logging policy replayed (item frequencies per position)",
                BanditPolicies.replay(train, log));
        List<BanditEvaluation.Result> out = new ArrayList<>();
        for (Map.Entry<String, double[][]> r : rows.entrySet()) {
            // every candidate is a policy: its action probabilities sum to 1 for every impression
            for (double[] pi : r.getValue()) {
                assertThat(java.util.Arrays.stream(pi).sum())
                        .as(r.getKey())
                        .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
            }
            out.add(BanditEvaluation.evaluate(
                    r.getKey(), trainedOn, evaluatedOn, r.getValue(), q, base, log, bts, RESAMPLES, SEED));
        }
        return out;
    }

    static BanditEvaluation.OnPolicy atPosition(String policy, List<BanditEvaluation.Impression> log, int position) {
        return BanditEvaluation.onPolicy(
                policy + ", position " + position,
                log.stream().filter(i -> i.position() == position).toList(),
                RESAMPLES,
                SEED);
    }

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
                BanditEvaluation.onPolicy("Bernoulli Thompson sampling (bts/men)", bts, RESAMPLES, SEED),
                atPosition("uniform random", random, 1),
                atPosition("uniform random", random, 2),
                atPosition("uniform random", random, 3),
                atPosition("Bernoulli TS", bts, 1),
                atPosition("Bernoulli TS", bts, 2),
                atPosition("Bernoulli TS", bts, 3));
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

        List<BanditEvaluation.Result> selection = candidates(
                bts.subList(0, bts.size() / 2),
                "Bernoulli TS log, first half",
                bts.subList(bts.size() / 2, bts.size()),
                "Bernoulli TS log, second half",
                bts);
        List<BanditEvaluation.Result> candidates = new ArrayList<>();
        candidates.addAll(candidates(bts, "Bernoulli TS log (all)", random, "random log (all)", bts));
        candidates.addAll(
                candidates(randomFirst, "random log, first half", randomSecond, "random log, second half", bts));

        String report = BanditEvaluation.report(logged, results, policies, RESAMPLES, DRAWS, SEED, COMMAND)
                + BanditEvaluation.candidatesReport(
                        logged, selection, candidates, BanditEvaluation.withAffinity(random));
        String out = System.getProperty("mailflow.banditReport", "");
        if (!out.isBlank()) {
            Files.writeString(Path.of(out), report);
        }
        System.out.println(report);

        assertThat(random).hasSize(10_000);
        assertThat(candidates).hasSize(2 * CANDIDATES);
        // the paired difference of the baseline with itself is exactly 0 in every resample
        assertThat(candidates.get(0).drMinusBaseline()).isEqualTo(new BanditEvaluation.Estimate(0, 0, 0));
        assertThat(bts).hasSize(10_000);
        // IPS of the uniform policy on the uniform log is exactly its click rate: the estimator is wired right.
        assertThat(results.get(0).ips().value())
                .isEqualTo(logged.get(0).ctr().value(), org.assertj.core.api.Assertions.within(1e-12));
    }
}
