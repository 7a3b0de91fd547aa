package io.mailflow.campaigns;

import java.io.Serializable;

/**
 * The Beta prior of the variant bandit ({@link ThompsonSampler}), a job setting ({@code campaigns.bandit.prior},
 * {@code campaigns.bandit.prior-strength}; docs/uplift.md, "The variant bandit on logged data").
 *
 * <p>{@link Kind#UNIFORM} is Beta(1, 1) for every variant, as the sampler always had: its mean of 50 % makes a
 * rarely shown variant look promising when conversions are rare (a 0.5 % click rate), so the sampler keeps sending
 * traffic to variants it knows nothing about. {@link Kind#POOLED} is an empirical-Bayes prior, the same for all the
 * campaign's variants and recomputed from the counts at every decision: its mean is the campaign's pooled
 * conversion rate {@code (K + 1) / (N + 2)} (all its variants' conversions K over exposures N, smoothed as under
 * Beta(1, 1)), its strength (pseudo-exposures) either {@code strength} when above 0 or, with 0, estimated by the
 * method of moments of the beta-binomial model: the spread of the variants' rates beyond the binomial noise their
 * exposures explain. A prior strength s means a variant's own data outweigh the prior once it has more than s
 * exposures. The estimate is kept in [2, max(2, N)]: with no data the prior is Beta(1, 1) (the uniform prior),
 * and it never outweighs the campaign's data; when the rates spread no more than noise would (no detectable
 * difference between the variants) it takes the upper bound N.
 *
 * <p>Nothing is kept: the prior is a function of the counts the sampler sees (its own or the global bandit's
 * totals), so instances with the same counts and seed still make the same choice, and no state changes.
 *
 * @param kind uniform (Beta(1, 1)) or pooled (empirical Bayes)
 * @param strength with {@link Kind#POOLED}: pseudo-exposures of the prior, or 0 for the method-of-moments estimate
 */
public record BanditPrior(Kind kind, double strength) implements Serializable {
    /** Beta(1, 1) for every variant (the sampler's behaviour before the option existed). */
    public static final BanditPrior UNIFORM = new BanditPrior(Kind.UNIFORM, 0);
    /** The empirical-Bayes prior with a method-of-moments strength. */
    public static final BanditPrior POOLED = new BanditPrior(Kind.POOLED, 0);

    /** Which prior. */
    public enum Kind {
        /** Beta(1, 1). */
        UNIFORM,
        /** Beta centred on the campaign's pooled rate (empirical Bayes). */
        POOLED
    }

    public BanditPrior {
        if (kind == null || !(strength >= 0) || Double.isInfinite(strength)) {
            throw new IllegalArgumentException("bandit prior: a kind and a finite strength >= 0");
        }
    }

    /**
     * The prior's Beta shapes {@code {alpha, beta}} given the campaign's variants' exposures {@code n} and
     * conversions {@code k} (conversions at most exposures).
     */
    public double[] shapes(long[] n, long[] k) {
        if (kind == Kind.UNIFORM) {
            return new double[] {1, 1};
        }
        long total = 0;
        long conversions = 0;
        for (int i = 0; i < n.length; i++) {
            total += n[i];
            conversions += k[i];
        }
        double mean = (conversions + 1.0) / (total + 2.0);
        double s = strength > 0 ? strength : momentStrength(n, k, total, conversions);
        return new double[] {mean * s, (1 - mean) * s};
    }

    /**
     * Method of moments for the beta-binomial: with p = K / N, S = sum n_i (k_i / n_i - p)^2 has expectation
     * (J - 1) p (1 - p) + tau^2 (N - sum n_i^2 / N) for J variants whose true rates vary with variance tau^2; a
     * Beta prior of strength s has tau^2 = p (1 - p) / (s + 1). Kept in [2, max(2, N)] (see the class comment).
     */
    static double momentStrength(long[] n, long[] k, long total, long conversions) {
        double max = Math.max(2.0, total);
        int j = 0;
        double sumSq = 0;
        for (long ni : n) {
            j += ni > 0 ? 1 : 0;
            sumSq += (double) ni * ni;
        }
        if (j < 2 || conversions == 0) {
            return max;
        }
        double p = (double) conversions / total;
        double spread = 0;
        for (int i = 0; i < n.length; i++) {
            if (n[i] > 0) {
                double d = (double) k[i] / n[i] - p;
                spread += n[i] * d * d;
            }
        }
        double tau2 = (spread - (j - 1) * p * (1 - p)) / (total - sumSq / total);
        if (!(tau2 > 0)) {
            return max;
        }
        return Math.min(max, Math.max(2.0, p * (1 - p) / tau2 - 1));
    }
}
