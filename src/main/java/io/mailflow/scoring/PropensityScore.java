package io.mailflow.scoring;

/**
 * A user's purchase propensity as of a feature snapshot.
 *
 * @param userId the user
 * @param score probability of a purchase within the label horizon, in [0, 1]
 * @param modelVersion version of the {@link LogRegModel} that scored it
 * @param timestamp event time of the feature snapshot
 */
public record PropensityScore(String userId, double score, long modelVersion, long timestamp) {}
