package io.mailflow.scoring;

/**
 * One outcome for a campaign's uplift model: a user decided at {@code decisionTime} (e-mailed or not), with the
 * features the decision saw and whether the outcome (a conversion within the attribution window) followed.
 *
 * @param campaignId the campaign (the trainer's key)
 * @param decisionTime when the user was decided (event time, ms)
 * @param features standardized features at decision time
 * @param treated true if the user was e-mailed; false if held out or not targeted
 * @param propensity the probability that the user was e-mailed (see {@code campaigns.UpliftTargeting})
 * @param label 1 if the outcome followed within the attribution window, else 0
 * @param weight sample weight (1 if none)
 */
public record UpliftExample(
        String campaignId,
        long decisionTime,
        double[] features,
        boolean treated,
        double propensity,
        double label,
        double weight) {}
