package io.mailflow.feedback;

import io.mailflow.privacy.NoiseMechanism;

/**
 * One campaign window's differentially private statistics, as written to {@code topic.campaign-stats-dp}.
 * The figures are the clipped exact sums plus independent integer noise (see {@link DpRelease}); they can
 * be negative, and rates computed from them are as noisy as the figures. When the campaign's budget is
 * spent the window is not released: {@code released} is false and every figure is absent.
 *
 * @param epsilon the privacy loss of this release (0 when refused)
 * @param delta the delta of this release (0 for Laplace)
 * @param epsilonSpent the campaign's total privacy loss after this release, at the budget's delta
 * @param budgetEpsilon the campaign's budget
 * @param countNoiseStddev the standard deviation of the noise on each count (a bound for Gaussian noise)
 * @param revenueNoiseStddev the standard deviation of the noise on revenue, in currency units
 * @param revenue noisy revenue in currency units (added in cents)
 * @param refusals windows of this campaign refused so far
 */
public record DpCampaignStats(
        String campaignId,
        long windowStart,
        long windowEnd,
        boolean released,
        NoiseMechanism mechanism,
        double epsilon,
        double delta,
        double epsilonSpent,
        double budgetEpsilon,
        long maxEmailsPerUser,
        double maxRevenuePerUser,
        double countNoiseStddev,
        double revenueNoiseStddev,
        Long sent,
        Long opens,
        Long clicks,
        Long conversions,
        Double revenue,
        long refusals) {}
