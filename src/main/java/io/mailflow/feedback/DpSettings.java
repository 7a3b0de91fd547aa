package io.mailflow.feedback;

import io.mailflow.privacy.NoiseMechanism;
import java.io.Serializable;

/**
 * The differentially private export of campaign statistics (docs/privacy.md explains the figures).
 *
 * @param enabled publish the noisy statistics at all (off by default)
 * @param mechanism the noise distribution
 * @param epsilonPerRelease the privacy loss of one campaign window's release (all figures together)
 * @param budgetEpsilon the most a campaign may spend over all its releases; later releases are refused
 * @param delta the campaign's delta (Gaussian mechanism only; the Laplace mechanism has delta 0)
 * @param maxEmailsPerUser per campaign and window, each of a user's counts is clipped to this
 * @param maxRevenuePerUser per campaign and window, a user's attributed revenue is clipped to this
 */
public record DpSettings(
        boolean enabled,
        NoiseMechanism mechanism,
        double epsilonPerRelease,
        double budgetEpsilon,
        double delta,
        int maxEmailsPerUser,
        double maxRevenuePerUser)
        implements Serializable {

    public static DpSettings disabled() {
        return new DpSettings(false, NoiseMechanism.LAPLACE, 1.0, 10.0, 1e-6, 1, 100.0);
    }

    /** The revenue bound in cents (the unit the noise is added in), at least 1. */
    public long maxRevenueCentsPerUser() {
        return Math.max(1, Math.round(maxRevenuePerUser * 100));
    }
}
