package io.mailflow.scoring;

import io.mailflow.features.SnapshotKind;

/**
 * A user's purchase propensity as of a feature snapshot.
 *
 * @param userId the user
 * @param score probability of a purchase within the label horizon, in [0, 1]
 * @param modelVersion version of the {@link LogRegModel} that scored it
 * @param timestamp event time of the feature snapshot
 * @param kind the kind of that snapshot: a session's, or an idle re-score of a user who stayed away; null (a score
 *     in state or on the scores topic from before the field existed) is read as {@link SnapshotKind#SESSION}
 */
public record PropensityScore(String userId, double score, long modelVersion, long timestamp, SnapshotKind kind) {

    public PropensityScore {
        kind = kind == null ? SnapshotKind.SESSION : kind;
    }

    /** The score of a session's snapshot. */
    public PropensityScore(String userId, double score, long modelVersion, long timestamp) {
        this(userId, score, modelVersion, timestamp, SnapshotKind.SESSION);
    }

    /** True for the score of an idle snapshot (never validated: no label is made for it). */
    public boolean idle() {
        return kind == SnapshotKind.IDLE;
    }
}
