package io.mailflow.privacy;

/**
 * What one campaign has spent of its privacy budget, kept in state by the operator that publishes.
 * Laplace releases add their epsilon to {@code epsilonSpent}; Gaussian releases add their rho to
 * {@code rhoSpent}, and the epsilon they amount to is computed at the budget's delta. A release whose
 * cost would take the total past the budget is refused, and refused for good: the budget never refills.
 *
 * @param releases releases published
 * @param refusals releases refused because the budget was spent
 */
public record PrivacyBudget(double epsilonSpent, double rhoSpent, long releases, long refusals) {
    /** Slack for the sum of per-release epsilons in floating point (a budget of 10 x 0.1 must allow 10). */
    static final double TOLERANCE = 1e-9;

    public static PrivacyBudget fresh() {
        return new PrivacyBudget(0, 0, 0, 0);
    }

    /** The epsilon spent so far, all mechanisms together, at {@code delta}. */
    public double epsilon(double delta) {
        return epsilonSpent + (rhoSpent > 0 ? Calibration.epsilonOf(rhoSpent, delta) : 0);
    }

    /** Whether a release calibrated as {@code c} still fits a budget of {@code (budgetEpsilon, delta)}. */
    public boolean allows(Calibration c, double budgetEpsilon, double delta) {
        PrivacyBudget after = charged(c);
        return after.epsilon(delta) <= budgetEpsilon + TOLERANCE;
    }

    /** The budget after the release {@code c}. */
    public PrivacyBudget charged(Calibration c) {
        return c.mechanism() == NoiseMechanism.LAPLACE
                ? new PrivacyBudget(epsilonSpent + c.cost(), rhoSpent, releases + 1, refusals)
                : new PrivacyBudget(epsilonSpent, rhoSpent + c.cost(), releases + 1, refusals);
    }

    public PrivacyBudget refused() {
        return new PrivacyBudget(epsilonSpent, rhoSpent, releases, refusals + 1);
    }
}
