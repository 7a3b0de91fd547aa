package io.mailflow.scoring;

import java.io.Serializable;
import java.time.Duration;

/**
 * @param alpha FTRL learning-rate scale
 * @param beta FTRL learning-rate smoothing
 * @param l1 FTRL L1 regularization
 * @param l2 FTRL L2 regularization
 * @param publishEvery a new model version after this many examples
 * @param validationWindow labelled served scores in the validation window
 * @param labelHorizon a snapshot is positive if its user buys within this long
 * @param releaseAtHorizon hold positive examples until their horizon passes, like negatives ({@link
 *     PurchaseLabeller})
 * @param binned the served binned learner's settings; null to serve the linear FTRL model only
 */
public record ScoringSettings(
        double alpha,
        double beta,
        double l1,
        double l2,
        int publishEvery,
        int validationWindow,
        Duration labelHorizon,
        boolean releaseAtHorizon,
        BinnedFtrlSettings binned)
        implements Serializable {}
