package io.mailflow.campaigns;

/**
 * A user's uplift-targeted decision waiting for its outcome (keyed state of the trigger operator, one per campaign):
 * a purchase before {@code decisionTime + attribution window} makes it a positive example of its arm, the window's
 * end a negative one.
 *
 * @param campaignId the campaign
 * @param decisionTime when the user was decided (event time, ms)
 * @param features the user's features the decision saw (as the model scores them)
 * @param treated true if the user was e-mailed (targeted, explored, or no model yet); false if held out or not
 *     targeted
 * @param propensity the probability that a user with these features is e-mailed (see {@link UpliftTargeting})
 */
public record UpliftPending(
        String campaignId, long decisionTime, double[] features, boolean treated, double propensity) {}
