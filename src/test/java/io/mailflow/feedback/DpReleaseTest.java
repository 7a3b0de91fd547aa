package io.mailflow.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mailflow.privacy.ExactSampler;
import io.mailflow.privacy.NoiseMechanism;
import io.mailflow.privacy.PrivacyBudget;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The published figures at the documented settings (docs/privacy.md, "What the noise costs"): a
 * 1,000-send campaign window at epsilon 1 with the default contribution bounds.
 */
class DpReleaseTest {
    private static final DpSettings DEFAULTS = new DpSettings(true, NoiseMechanism.LAPLACE, 1.0, 10.0, 1e-6, 1, 100.0);
    private static final DpTally THOUSAND_SENDS = new DpTally("c1", 0, 3_600_000, 1000, 1000, 250, 40, 12, 60_000_00);
    private static final int RUNS = 4000;

    static ExactSampler sampler(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return new ExactSampler(r);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Absolute errors of {@code RUNS} independent releases of the same window, sorted. */
    static double[][] errors(DpSettings settings, long seed) {
        DpRelease release = new DpRelease(settings, sampler(seed));
        double[] sent = new double[RUNS];
        double[] opens = new double[RUNS];
        double[] revenue = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            DpCampaignStats s =
                    release.release(THOUSAND_SENDS, PrivacyBudget.fresh()).stats();
            sent[i] = Math.abs(s.sent() - THOUSAND_SENDS.sent());
            opens[i] = Math.abs(s.opens() - THOUSAND_SENDS.opens());
            revenue[i] = Math.abs(s.revenue() - THOUSAND_SENDS.revenueCents() / 100.0);
        }
        Arrays.sort(sent);
        Arrays.sort(opens);
        Arrays.sort(revenue);
        return new double[][] {sent, opens, revenue};
    }

    static double mean(double[] xs) {
        return Arrays.stream(xs).average().orElseThrow();
    }

    @Test
    void aThousandSendCampaignAtEpsilonOneIsOffByFiveOnAverageAndFifteenAtMost95PercentOfTheTime() {
        double[][] e = errors(DEFAULTS, 11);
        // discrete Laplace of scale 5 (5 figures, sensitivity 1, epsilon 1): E|X| = 2q/(1-q^2), q = e^-0.2
        double q = Math.exp(-0.2);
        double expected = 2 * q / (1 - q * q);
        assertThat(expected).isCloseTo(4.97, within(0.01));
        assertThat(mean(e[0])).isCloseTo(expected, within(0.3));
        assertThat(mean(e[1])).isCloseTo(expected, within(0.3));
        assertThat(e[0][(int) (RUNS * 0.95)]).isBetween(14.0, 16.0); // P(|X| > 15) = 2q^16/(1+q) = 0.045
        // so the open rate 25.0% is published within +-1.5 percentage points 95% of the time
        // revenue: scale 50,000 cents, E|X| about 500.00 currency units
        assertThat(mean(e[2])).isCloseTo(500.0, within(30.0));
    }

    @Test
    void theGaussianMechanismAtTheSameEpsilonHasSigmaTwelve() {
        DpSettings gauss = new DpSettings(true, NoiseMechanism.GAUSSIAN, 1.0, 10.0, 1e-6, 1, 100.0);
        DpRelease release = new DpRelease(gauss, sampler(12));
        assertThat(release.release(THOUSAND_SENDS, PrivacyBudget.fresh())
                        .stats()
                        .countNoiseStddev())
                .isCloseTo(11.96, within(0.01));
        double[][] e = errors(gauss, 12);
        // E|X| of a Gaussian with sigma 11.96 is sigma * sqrt(2/pi) = 9.54
        assertThat(mean(e[0])).isCloseTo(9.54, within(0.5));
    }

    @Test
    void theRecordIsMarkedWithItsEpsilonAndTheBudgetSpent() {
        DpRelease release = new DpRelease(DEFAULTS, sampler(13));
        DpRelease.Outcome first = release.release(THOUSAND_SENDS, PrivacyBudget.fresh());
        DpRelease.Outcome second = release.release(THOUSAND_SENDS, first.budget());
        assertThat(second.stats().released()).isTrue();
        assertThat(second.stats().epsilon()).isEqualTo(1.0);
        assertThat(second.stats().delta()).isZero();
        assertThat(second.stats().epsilonSpent()).isEqualTo(2.0);
        assertThat(second.stats().budgetEpsilon()).isEqualTo(10.0);
        assertThat(second.stats().countNoiseStddev()).isCloseTo(7.06, within(0.01)); // sqrt(2q)/(1-q), q = e^-0.2;
    }

    @Test
    void onceTheBudgetIsSpentEveryWindowIsRefusedWithoutFigures() {
        DpSettings small = new DpSettings(true, NoiseMechanism.LAPLACE, 1.0, 2.5, 1e-6, 1, 100.0);
        DpRelease release = new DpRelease(small, sampler(14));
        PrivacyBudget b = PrivacyBudget.fresh();
        boolean[] released = new boolean[5];
        DpCampaignStats last = null;
        for (int i = 0; i < 5; i++) {
            DpRelease.Outcome o = release.release(THOUSAND_SENDS, b);
            b = o.budget();
            released[i] = o.stats().released();
            last = o.stats();
        }
        assertThat(released).containsExactly(true, true, false, false, false);
        assertThat(b.refusals()).isEqualTo(3);
        assertThat(b.epsilonSpent()).isEqualTo(2.0);
        assertThat(last.refusals()).isEqualTo(3);
        assertThat(last.epsilon()).isZero();
        assertThat(last.epsilonSpent()).isEqualTo(2.0);
        assertThat(last.sent()).isNull();
        assertThat(last.opens()).isNull();
        assertThat(last.clicks()).isNull();
        assertThat(last.conversions()).isNull();
        assertThat(last.revenue()).isNull();
    }
}
