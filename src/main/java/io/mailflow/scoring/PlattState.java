package io.mailflow.scoring;

/**
 * The state of a {@link PlattCalibrator}.
 *
 * @param margins ring buffer of remembered progressive margins
 * @param labels their labels
 * @param next next write position in the ring buffer
 * @param size remembered entries
 * @param slope fitted {@code a}
 * @param offset fitted {@code b}
 */
public record PlattState(double[] margins, double[] labels, int next, int size, double slope, double offset) {}
