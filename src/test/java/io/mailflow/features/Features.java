package io.mailflow.features;

/** Fixture builder for feature snapshots. */
public final class Features {
    private Features() {}

    /** A snapshot whose raw and standardized vectors are both {@code x}. */
    public static UserFeatures of(String user, long asOf, double... x) {
        return new UserFeatures(user, asOf, x.clone(), x.clone(), FeatureVector.VERSION);
    }

    /** An idle snapshot (a user re-snapshotted while away) whose raw and standardized vectors are both {@code x}. */
    public static UserFeatures idle(String user, long asOf, double... x) {
        return new UserFeatures(user, asOf, x.clone(), x.clone(), FeatureVector.VERSION, null, SnapshotKind.IDLE);
    }
}
