package io.mailflow.scoring;

/**
 * Progressive-validation quality of the propensity model when a model version is published.
 *
 * @param modelVersion the version published together with these metrics
 * @param examples examples learned from so far
 * @param window examples in the validation window
 * @param auc exact AUC over the window (NaN while it holds a single class)
 * @param logLoss mean log loss over the window
 */
public record ValidationMetrics(long modelVersion, long examples, int window, double auc, double logLoss) {}
