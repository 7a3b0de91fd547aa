package io.mailflow.scoring;

/**
 * A label that reached {@link ServedScoreJoin} before the score served for its snapshot.
 *
 * @param label 1 for a purchase within the horizon, else 0
 * @param labelTime event time at which the label became known
 */
public record PendingLabel(double label, long labelTime) {}
