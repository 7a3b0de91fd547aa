package io.mailflow.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mailflow.campaigns.rules.GlobalThompsonStats;
import io.mailflow.campaigns.rules.ThompsonStats;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The variant bandit's priors (issue 16): uniform Beta(1, 1) as before, and the pooled empirical-Bayes prior. */
class ThompsonSamplerTest {
    private static final List<Variant> AB =
            List.of(new Variant("A", 1, "t", Map.of()), new Variant("B", 1, "t", Map.of()));

    private static Map<String, VariantStats> counts(long nA, long kA, long nB, long kB) {
        return Map.of(
                "c|A", new VariantStats("c", "A", nA, kA),
                "c|B", new VariantStats("c", "B", nB, kB));
    }

    private static double shareOfB(Map<String, VariantStats> stats, BanditPrior prior) {
        int b = 0;
        for (long seed = 0; seed < 4_000; seed++) {
            b += ThompsonSampler.choose(AB, stats, "c", seed, prior).id().equals("B") ? 1 : 0;
        }
        return b / 4_000.0;
    }

    @Test
    void theUniformPriorMakesTheDrawsItAlwaysMade() {
        Map<String, VariantStats> stats = counts(200, 7, 30, 2);
        for (long seed = 0; seed < 500; seed++) {
            assertThat(ThompsonSampler.choose(AB, stats, "c", seed, BanditPrior.UNIFORM))
                    .isEqualTo(ThompsonSampler.choose(AB, stats, "c", seed));
        }
        // Beta(1 + k, 1 + n - k) drawn as two gammas from the seed, in the variants' order (the pre-prior code)
        for (long seed = 0; seed < 200; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            double a = ThompsonSampler.beta(8, 194, rng);
            double b = ThompsonSampler.beta(3, 29, rng);
            assertThat(ThompsonSampler.choose(AB, stats, "c", seed).id()).isEqualTo(b > a ? "B" : "A");
        }
    }

    @Test
    void thePooledPriorIsDeterministicGivenTheSeed() {
        Map<String, VariantStats> stats = counts(5_000, 25, 40, 0);
        for (long seed = 0; seed < 300; seed++) {
            assertThat(ThompsonSampler.choose(AB, stats, "c", seed, BanditPrior.POOLED))
                    .isEqualTo(ThompsonSampler.choose(AB, new HashMap<>(stats), "c", seed, BanditPrior.POOLED));
        }
    }

    @Test
    void atALowRateARarelyShownVariantNoLongerLooksPromising() {
        // A: 10,000 exposures at 0.5 %; B: 10 exposures, no conversion (as likely at 0.5 % as not)
        Map<String, VariantStats> stats = counts(10_000, 50, 10, 0);
        // Beta(1, 11) puts B's mean at 8 %: it wins almost every draw
        assertThat(shareOfB(stats, BanditPrior.UNIFORM)).isGreaterThan(0.9);
        // centred on the pooled 0.5 %, B is as good as A until its own data say otherwise
        assertThat(shareOfB(stats, BanditPrior.POOLED)).isBetween(0.3, 0.7);
        assertThat(shareOfB(stats, new BanditPrior(BanditPrior.Kind.POOLED, 1_000)))
                .isBetween(0.3, 0.7);
    }

    @Test
    void thePooledPriorStillFollowsClearEvidence() {
        // 10 % against 1 %: the data outweigh any prior
        Map<String, VariantStats> stats = counts(1_000, 100, 1_000, 10);
        assertThat(shareOfB(stats, BanditPrior.POOLED)).isLessThan(0.01);
        assertThat(shareOfB(stats, BanditPrior.UNIFORM)).isLessThan(0.01);
    }

    @Test
    void theMethodOfMomentsStrengthFollowsTheSpreadOfTheRates() {
        // no data: Beta(1, 1), the uniform prior
        assertThat(BanditPrior.POOLED.shapes(new long[] {0, 0}, new long[] {0, 0}))
                .containsExactly(1, 1);
        // equal rates: no spread beyond noise, the strength is its upper bound, all the campaign's exposures
        double[] equal = BanditPrior.POOLED.shapes(new long[] {1_000, 1_000}, new long[] {10, 10});
        assertThat(equal[0] + equal[1]).isEqualTo(2_000, within(1e-9));
        assertThat(equal[0] / (equal[0] + equal[1])).isEqualTo(21.0 / 2_002, within(1e-12));
        // rates of 2 % and 18 % around 10 %: tau^2 = (2 * 1,000 * 0.08^2 - 0.09) / (2,000 - 1,000) = 0.01271
        // (the two-sample variance less the binomial noise), strength = 0.09 / 0.01271 - 1 = 6.08
        double[] spread = BanditPrior.POOLED.shapes(new long[] {1_000, 1_000}, new long[] {20, 180});
        assertThat(spread[0] + spread[1]).isEqualTo(0.09 / ((12.8 - 0.09) / 1_000) - 1, within(1e-9));
        // a fixed strength is taken as given
        double[] fixed = new BanditPrior(BanditPrior.Kind.POOLED, 500).shapes(new long[] {100}, new long[] {3});
        assertThat(fixed[0] + fixed[1]).isEqualTo(500, within(1e-9));
        assertThatThrownBy(() -> new BanditPrior(BanditPrior.Kind.POOLED, -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BanditPrior(null, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shapesBelowOneDrawFiniteProbabilities() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < 10_000; i++) {
            double x = ThompsonSampler.beta(0.01, 2.0, rng);
            assertThat(x).isBetween(0.0, 1.0);
        }
        double mean = 0;
        for (int i = 0; i < 20_000; i++) {
            mean += ThompsonSampler.beta(0.5, 4.5, rng) / 20_000;
        }
        assertThat(mean).isEqualTo(0.1, within(0.01));
    }

    @Test
    void theGlobalBanditsInstancesShareThePooledPrior() {
        // the prior is computed from the view: the job-wide totals plus the instance's undrained deltas
        GlobalThompsonStats a = new GlobalThompsonStats(1_000);
        GlobalThompsonStats b = new GlobalThompsonStats(1_000);
        ThompsonStats single = new ThompsonStats(1_000);
        for (int i = 0; i < 2_000; i++) {
            (i % 2 == 0 ? a : b).expose("c", "A");
            single.expose("c", "A");
            if (i % 200 == 0) {
                (i % 2 == 0 ? a : b).convert(new Exposure("c", "A", i), i + 1);
                single.convert(new Exposure("c", "A", i), i + 1);
            }
        }
        for (int i = 0; i < 5; i++) {
            b.expose("c", "B");
            single.expose("c", "B");
        }
        Map<String, VariantStats> jobWide = new HashMap<>();
        GlobalThompsonStats.addTo(jobWide, a.drain());
        GlobalThompsonStats.addTo(jobWide, b.drain());
        a.applyTotals(jobWide.values());
        b.applyTotals(jobWide.values());
        for (long seed = 0; seed < 300; seed++) {
            Variant chosen = ThompsonSampler.choose(AB, a.view(), "c", seed, BanditPrior.POOLED);
            assertThat(ThompsonSampler.choose(AB, b.view(), "c", seed, BanditPrior.POOLED))
                    .isEqualTo(chosen);
            assertThat(ThompsonSampler.choose(AB, single.view(), "c", seed, BanditPrior.POOLED))
                    .as("the same as one instance that saw every count")
                    .isEqualTo(chosen);
        }
    }

    @Test
    void theJobsRequestsUseThePriorOfTheSettings() {
        // the request factory as the trigger operator calls it, with the per-instance and the global bandit settings
        Map<String, VariantStats> stats = Map.of(
                "cart|A", new VariantStats("cart", "A", 10_000, 50),
                "cart|B", new VariantStats("cart", "B", 10, 0));
        for (TriggerSettings base : List.of(TriggerFunctionTest.SETTINGS, GlobalBanditTriggerFunctionTest.GLOBAL)) {
            int uniform = 0;
            int pooled = 0;
            for (int u = 0; u < 1_000; u++) {
                uniform += variantOf("user-" + u, base, stats).equals("B") ? 1 : 0;
                pooled += variantOf("user-" + u, base.withBanditPrior(BanditPrior.POOLED), stats)
                                .equals("B")
                        ? 1
                        : 0;
            }
            assertThat(uniform).as("Beta(1, 1)").isGreaterThan(900);
            assertThat(pooled).as("pooled").isBetween(300, 700);
        }
        assertThat(TriggerFunctionTest.SETTINGS.banditPrior()).isEqualTo(BanditPrior.UNIFORM);
        assertThat(GlobalBanditTriggerFunctionTest.GLOBAL
                        .withBanditPrior(BanditPrior.POOLED)
                        .withUpliftLearning(true)
                        .withVariantReport(60_000)
                        .banditPrior())
                .isEqualTo(BanditPrior.POOLED);
    }

    private static String variantOf(String user, TriggerSettings settings, Map<String, VariantStats> stats) {
        Pending p = new Pending("cart", "ABANDONED_CART", "cart@1", 1_000, 2_000, List.of(), "EUR");
        return RequestFactory.create(
                        GlobalBanditTriggerFunctionTest.BANDIT,
                        p,
                        user,
                        2_000,
                        UserFacts.empty(),
                        List.of(),
                        k -> null,
                        settings,
                        stats)
                .variant();
    }
}
