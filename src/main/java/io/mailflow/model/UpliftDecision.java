package io.mailflow.model;

/**
 * How uplift targeting decided a request (issue 16; docs/uplift.md): on every request of a campaign with
 * {@code targeting: {uplift: ...}}, null on the others.
 *
 * @param outcome {@code HOLDOUT}, {@code UNTARGETED} (no model yet), {@code EXPLORED} or {@code TARGETED} (users
 *     decided {@code NOT_TARGETED} get no request; their outcome still teaches the model)
 * @param score the predicted uplift (a difference of probabilities), or null without a model
 * @param modelVersion version of the campaign's uplift model that scored (0 without a model)
 * @param propensity the probability that a user with these features is e-mailed, which the learner weights by
 */
public record UpliftDecision(String outcome, Double score, long modelVersion, double propensity) {}
