package io.mailflow.scoring;

/**
 * Checkpointed state of {@link ServedValidator}.
 *
 * @param outcomes served scores evaluated so far
 * @param latestVersion highest model version among them
 * @param scores served scores in the window, oldest first
 * @param labels their labels
 */
public record ServedValidationState(long outcomes, long latestVersion, double[] scores, double[] labels) {}
