package io.mailflow.campaigns;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Thompson sampling among a campaign's variants on a Bernoulli reward (converted or not): each variant
 * has a Beta(1 + conversions, 1 + exposures - conversions) posterior; one draw per variant, the highest
 * draw wins. Variants that convert better win more often, while uncertain ones are still explored.
 * Randomness comes from a seed (the request id's hash), so a decision can be replayed given the counts.
 */
public final class ThompsonSampler {
    private ThompsonSampler() {}

    public static Variant choose(
            List<Variant> variants, Map<String, VariantStats> stats, String campaignId, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Variant best = variants.get(0);
        double bestDraw = -1;
        for (Variant v : variants) {
            if (v.weight() <= 0) {
                continue;
            }
            VariantStats s = stats.get(campaignId + "|" + v.id());
            long n = s == null ? 0 : s.exposures();
            long k = s == null ? 0 : Math.min(s.conversions(), n);
            double draw = beta(1.0 + k, 1.0 + (n - k), rng);
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
        return x / (x + y);
    }

    /** Marsaglia and Tsang's method for shape >= 1 (always the case here: shapes are 1 + counts). */
    static double gamma(double shape, SplittableRandom rng) {
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
