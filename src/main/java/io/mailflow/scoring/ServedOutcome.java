package io.mailflow.scoring;

/**
 * A score the job served, next to what happened afterwards: the unit of the job's published validation.
 * Carries no user id: the validator needs none.
 *
 * @param snapshotTime event time of the feature snapshot that was scored (the decision time)
 * @param score the propensity served for that snapshot, in [0, 1]
 * @param modelVersion version of the model that served it
 * @param label 1 if the user purchased within the label horizon after the snapshot, else 0
 * @param labelTime event time at which the label became known
 */
public record ServedOutcome(long snapshotTime, double score, long modelVersion, double label, long labelTime) {}
