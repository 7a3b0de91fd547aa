package io.mailflow.scoring;

/**
 * Raw input of {@link BinnedFtrl}: numeric features (any double; NaN or an infinity means "missing") and
 * categorical features (any string; null means "missing"), each identified by its position.
 */
public record MixedFeatures(double[] numeric, String[] categorical) {}
