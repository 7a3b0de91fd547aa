package io.mailflow.feedback;

import io.mailflow.privacy.Calibration;
import io.mailflow.privacy.ExactSampler;
import io.mailflow.privacy.NoiseMechanism;
import io.mailflow.privacy.PrivacyBudget;
import io.mailflow.privacy.Rational;

/**
 * Turns a campaign window's clipped exact sums into published figures, if the campaign's budget allows:
 * five figures (sent, opens, clicks, conversions, revenue in cents), each with its own noise sample,
 * calibrated by {@link Calibration} to spend {@code epsilonPerRelease} for the whole release. Flink-free;
 * the operator around it keeps the {@link PrivacyBudget} in state.
 */
public final class DpRelease {
    private final DpSettings settings;
    private final Calibration calibration;
    private final ExactSampler sampler;
    private final double countStddev;
    private final double revenueStddev;

    /** The result of one window: what to publish, and the campaign's budget afterwards. */
    public record Outcome(DpCampaignStats stats, PrivacyBudget budget) {}

    public DpRelease(DpSettings settings, ExactSampler sampler) {
        this.settings = settings;
        this.sampler = sampler;
        long count = settings.maxEmailsPerUser();
        this.calibration = Calibration.of(
                settings.mechanism(),
                settings.epsilonPerRelease(),
                settings.delta(),
                count,
                count,
                count,
                count,
                settings.maxRevenueCentsPerUser());
        this.countStddev = stddev(calibration.scales()[0]);
        this.revenueStddev = stddev(calibration.scales()[4]) / 100;
    }

    public Calibration calibration() {
        return calibration;
    }

    public Outcome release(DpTally t, PrivacyBudget spent) {
        double delta = delta();
        if (!spent.allows(calibration, settings.budgetEpsilon(), delta)) {
            PrivacyBudget after = spent.refused();
            return new Outcome(stats(t, false, 0, after, null, null, null, null, null), after);
        }
        PrivacyBudget after = spent.charged(calibration);
        return new Outcome(
                stats(
                        t,
                        true,
                        settings.epsilonPerRelease(),
                        after,
                        t.sent() + calibration.noise(sampler, 0),
                        t.opens() + calibration.noise(sampler, 1),
                        t.clicks() + calibration.noise(sampler, 2),
                        t.conversions() + calibration.noise(sampler, 3),
                        (t.revenueCents() + calibration.noise(sampler, 4)) / 100.0),
                after);
    }

    private double delta() {
        return settings.mechanism() == NoiseMechanism.GAUSSIAN ? settings.delta() : 0.0;
    }

    private DpCampaignStats stats(
            DpTally t,
            boolean released,
            double epsilon,
            PrivacyBudget after,
            Long sent,
            Long opens,
            Long clicks,
            Long conversions,
            Double revenue) {
        double delta = delta();
        return new DpCampaignStats(
                t.campaignId(),
                t.windowStart(),
                t.windowEnd(),
                released,
                settings.mechanism(),
                epsilon,
                released ? delta : 0.0,
                delta > 0 ? after.epsilon(delta) : after.epsilonSpent(),
                settings.budgetEpsilon(),
                settings.maxEmailsPerUser(),
                settings.maxRevenuePerUser(),
                countStddev,
                revenueStddev,
                sent,
                opens,
                clicks,
                conversions,
                revenue,
                after.refusals());
    }

    /**
     * The noise's standard deviation: for discrete Laplace of scale t, with q = exp(-1/t), the variance is
     * 2q/(1-q)²; for the discrete Gaussian, sigma (its variance is at most sigma²).
     */
    private double stddev(Rational scale) {
        double s = scale.toDouble();
        if (calibration.mechanism() == NoiseMechanism.GAUSSIAN) {
            return Math.sqrt(s);
        }
        double q = Math.exp(-1 / s);
        return Math.sqrt(2 * q) / (1 - q);
    }
}
