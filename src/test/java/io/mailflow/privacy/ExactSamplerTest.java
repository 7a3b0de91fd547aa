package io.mailflow.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Goodness of fit of the exact samplers against their exact probability mass functions: a chi-square
 * test at significance 0.001 on 60,000 samples drawn from a seeded SHA1PRNG (seeded only so that the
 * test is reproducible; the job seeds from the platform). Each test also shows the test has power: the
 * same samples are rejected against the pmf of a scale 10% off.
 */
class ExactSamplerTest {
    private static final int N = 60_000;

    static SecureRandom seeded(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed); // before the first use: the stream is then determined by the seed
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** P[X = x] of the discrete Laplace with scale t: (1-q)/(1+q) q^|x|, q = exp(-1/t). */
    static double laplacePmf(double t, long x) {
        double q = Math.exp(-1 / t);
        return (1 - q) / (1 + q) * Math.pow(q, Math.abs(x));
    }

    /** P[X = x] of the discrete Gaussian with variance parameter s2, normalised over |x| <= 2000. */
    static ToDoubleFunction<Long> gaussianPmf(double s2) {
        double z = 0;
        for (int x = -2000; x <= 2000; x++) {
            z += Math.exp(-(double) x * x / (2 * s2));
        }
        double norm = z;
        return x -> Math.exp(-(double) x * x / (2 * s2)) / norm;
    }

    static Map<Long, Integer> histogram(LongUnaryOperator draw) {
        Map<Long, Integer> h = new HashMap<>();
        for (int i = 0; i < N; i++) {
            h.merge(draw.applyAsLong(i), 1, Integer::sum);
        }
        return h;
    }

    /**
     * Pearson's chi-square over the cells x = -k..k, k the largest with an expected count of at least 5 on
     * both sides, plus the two tails pooled; returns {statistic, degrees of freedom}.
     */
    static double[] chiSquare(Map<Long, Integer> h, ToDoubleFunction<Long> pmf) {
        long k = 0;
        while (N * pmf.applyAsDouble(k + 1) >= 5) {
            k++;
        }
        double stat = 0;
        double inside = 0;
        long observedInside = 0;
        for (long x = -k; x <= k; x++) {
            double expected = N * pmf.applyAsDouble(x);
            int observed = h.getOrDefault(x, 0);
            stat += (observed - expected) * (observed - expected) / expected;
            inside += pmf.applyAsDouble(x);
            observedInside += observed;
        }
        double tailExpected = N * (1 - inside);
        double tailObserved = N - observedInside;
        stat += (tailObserved - tailExpected) * (tailObserved - tailExpected) / tailExpected;
        return new double[] {stat, 2 * k + 1}; // 2k+2 cells, one constraint
    }

    /** The 0.999 quantile of chi-square with df degrees of freedom (Wilson-Hilferty). */
    static double critical(double df) {
        double z = 3.090232;
        double a = 2 / (9 * df);
        return df * Math.pow(1 - a + z * Math.sqrt(a), 3);
    }

    static void assertFits(Map<Long, Integer> h, ToDoubleFunction<Long> pmf) {
        double[] c = chiSquare(h, pmf);
        assertThat(c[0]).as("chi-square with %s df", c[1]).isLessThan(critical(c[1]));
    }

    static void assertDoesNotFit(Map<Long, Integer> h, ToDoubleFunction<Long> pmf) {
        double[] c = chiSquare(h, pmf);
        assertThat(c[0]).as("chi-square with %s df", c[1]).isGreaterThan(critical(c[1]));
    }

    @Test
    void discreteLaplaceWithAnIntegerScaleFollowsItsPmf() {
        ExactSampler s = new ExactSampler(seeded(1));
        Map<Long, Integer> h = histogram(i -> s.laplace(Rational.of(3, 1)));
        assertFits(h, x -> laplacePmf(3, x));
        assertDoesNotFit(h, x -> laplacePmf(3.3, x));
        assertDoesNotFit(h, x -> laplacePmf(2.7, x));
    }

    @Test
    void discreteLaplaceWithAFractionalScaleFollowsItsPmf() {
        ExactSampler s = new ExactSampler(seeded(2));
        Map<Long, Integer> h = histogram(i -> s.laplace(Rational.of(5, 2)));
        assertFits(h, x -> laplacePmf(2.5, x));
        assertDoesNotFit(h, x -> laplacePmf(2.75, x));
    }

    @Test
    void discreteGaussianFollowsItsPmf() {
        ExactSampler s = new ExactSampler(seeded(3));
        Map<Long, Integer> h = histogram(i -> s.gaussian(Rational.of(9, 1)));
        assertFits(h, gaussianPmf(9));
        assertDoesNotFit(h, gaussianPmf(9 * 1.21)); // sigma 10% too large
        assertDoesNotFit(h, gaussianPmf(9 / 1.21));
    }

    @Test
    void discreteGaussianWithAFractionalVarianceFollowsItsPmf() {
        ExactSampler s = new ExactSampler(seeded(4));
        Map<Long, Integer> h = histogram(i -> s.gaussian(Rational.of(143, 2)));
        assertFits(h, gaussianPmf(71.5));
        assertDoesNotFit(h, gaussianPmf(71.5 * 1.21));
    }

    @Test
    void bernoulliOfExpMinusGammaHasThatMean() {
        ExactSampler s = new ExactSampler(seeded(5));
        for (Rational gamma : new Rational[] {Rational.of(0, 1), Rational.of(1, 3), Rational.of(7, 2)}) {
            int ones = 0;
            for (int i = 0; i < N; i++) {
                ones += s.bernoulliExp(gamma) ? 1 : 0;
            }
            double p = Math.exp(-gamma.toDouble());
            double sd = Math.sqrt(p * (1 - p) / N);
            assertThat((double) ones / N)
                    .as("gamma %s", gamma)
                    .isCloseTo(p, org.assertj.core.data.Offset.offset(4 * sd + 1e-12));
        }
    }

    @Test
    void theSameSeedGivesTheSameNoiseAndAnotherSeedOther() {
        ExactSampler a = new ExactSampler(seeded(7));
        ExactSampler b = new ExactSampler(seeded(7));
        ExactSampler c = new ExactSampler(seeded(8));
        long[] xa = new long[50];
        long[] xb = new long[50];
        long[] xc = new long[50];
        for (int i = 0; i < 50; i++) {
            xa[i] = a.laplace(Rational.of(10, 1));
            xb[i] = b.laplace(Rational.of(10, 1));
            xc[i] = c.laplace(Rational.of(10, 1));
        }
        assertThat(xa).isEqualTo(xb);
        assertThat(xa).isNotEqualTo(xc);
    }
}
