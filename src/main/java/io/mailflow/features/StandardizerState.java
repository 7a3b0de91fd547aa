package io.mailflow.features;

/**
 * Welford accumulators of {@link OnlineStandardizer}: count, running mean and the sum of squared
 * deviations from it ({@code m2}) per dimension.
 */
public record StandardizerState(long count, double[] mean, double[] m2) {}
