package io.mailflow.campaigns;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Thompson sampling among a campaign's variants on a Bernoulli reward (converted or not): each variant
 * has a Beta(alpha + conversions, beta + exposures - conversions) posterior; one draw per variant, the highest
 * draw wins. Variants that convert better win more often, while uncertain ones are still explored. The prior
 * (alpha, beta) is a {@link BanditPrior}: Beta(1, 1) by default, or centred on the campaign's pooled rate.
 * Randomness comes from a seed (the request id's hash), so a decision can be replayed given the counts; with the
 * uniform prior the draws are those the sampler always made.
 */
public final class ThompsonSampler {
    private ThompsonSampler() {}

    /** With the uniform prior, Beta(1, 1). */
    public static Variant choose(
            List<Variant> variants, Map<String, VariantStats> stats, String campaignId, long seed) {
        return choose(variants, stats, campaignId, seed, BanditPrior.UNIFORM);
    }

    /** With {@code prior}, computed from the counts of the campaign's variants of positive weight. */
    public static Variant choose(
            List<Variant> variants, Map<String, VariantStats> stats, String campaignId, long seed, BanditPrior prior) {
        long[] n = new long[variants.size()];
        long[] k = new long[variants.size()];
        for (int i = 0; i < n.length; i++) {
            Variant v = variants.get(i);
            VariantStats s = v.weight() <= 0 ? null : stats.get(campaignId + "|" + v.id());
            n[i] = s == null ? 0 : Math.max(0, s.exposures());
            k[i] = s == null ? 0 : Math.max(0, Math.min(s.conversions(), n[i]));
        }
        double[] ab = prior.shapes(n, k);
        SplittableRandom rng = new SplittableRandom(seed);
        Variant best = variants.get(0);
        double bestDraw = -1;
        for (int i = 0; i < n.length; i++) {
            Variant v = variants.get(i);
            if (v.weight() <= 0) {
                continue;
            }
            double draw = beta(ab[0] + k[i], ab[1] + (n[i] - k[i]), rng);
            if (draw > bestDraw) {
                bestDraw = draw;
                best = v;
            }
        }
        return best;
    }

    static double beta(double a, double b, SplittableRandom rng) {
        double x = gamma(a, rng);
        double y = gamma(b, rng);
        double sum = x + y;
        // both can underflow to 0 when both shapes are far below 1: the draw is then the mean
        return sum > 0 ? x / sum : a / (a + b);
    }

    /**
     * Marsaglia and Tsang's method; a shape below 1 (a pooled prior's alpha at a low rate, before any conversion)
     * is boosted: Gamma(shape) = Gamma(shape + 1) * U^(1 / shape).
     */
    static double gamma(double shape, SplittableRandom rng) {
        if (shape < 1) {
            double g = gamma(shape + 1, rng);
            return g * Math.pow(1.0 - rng.nextDouble(), 1.0 / shape);
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9.0 * d);
        while (true) {
            double x;
            double v;
            do {
                x = normal(rng);
                v = 1.0 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = rng.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }

    private static double normal(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
