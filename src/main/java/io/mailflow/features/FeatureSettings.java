package io.mailflow.features;

import java.io.Serializable;
import java.time.Duration;

/**
 * @param decayHalfLife half-life of the decayed activity counts
 * @param ttl a user's history is forgotten after this long without a session
 * @param maxCategories most categories remembered per user for the category-affinity feature
 * @param idleSnapshotAfter time without a session before a user is snapshotted (and so scored) again; zero: never
 * @param idleSnapshotMax idle snapshots at most after one session
 */
public record FeatureSettings(
        Duration decayHalfLife, Duration ttl, int maxCategories, Duration idleSnapshotAfter, int idleSnapshotMax)
        implements Serializable {
    /** Most categories remembered per user unless configured otherwise. */
    public static final int MAX_CATEGORIES = 20;

    public FeatureSettings {
        new IdleSchedule(idleSnapshotAfter, idleSnapshotMax); // validates
    }

    /** Settings without idle snapshots. */
    public FeatureSettings(Duration decayHalfLife, Duration ttl, int maxCategories) {
        this(decayHalfLife, ttl, maxCategories, Duration.ZERO, 1);
    }

    /** When idle users are snapshotted again. */
    public IdleSchedule idleSchedule() {
        return new IdleSchedule(idleSnapshotAfter, idleSnapshotMax);
    }
}
