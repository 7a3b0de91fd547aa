package io.mailflow.privacy;

/** The noise added to each released figure. */
public enum NoiseMechanism {
    /** Discrete Laplace: pure epsilon-DP per release; the budget adds up the epsilons (delta stays 0). */
    LAPLACE,
    /**
     * Discrete Gaussian: zero-concentrated DP; the budget adds up rho and converts to (epsilon, delta) at the
     * campaign's delta, which grows like the square root of the number of releases rather than linearly.
     */
    GAUSSIAN
}
