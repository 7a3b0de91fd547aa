package io.mailflow.scoring;

/**
 * Quality of the propensity scores the job actually served, measured once their labels arrived
 * (progressive validation on served scores, see {@link ServedValidator}).
 *
 * @param modelVersion the newest model version that served a score counted so far
 * @param examples served scores evaluated so far (labelled; censored snapshots excluded)
 * @param window served scores in the validation window
 * @param auc exact AUC of the served scores over the window (NaN while it holds a single class)
 * @param logLoss mean log loss of the served scores over the window
 * @param calibrationError expected calibration error over the window (10 equal-width reliability bins)
 */
public record ValidationMetrics(
        long modelVersion, long examples, int window, double auc, double logLoss, double calibrationError) {}
