package io.mailflow.features;

/**
 * A user's feature vector as of the end of their latest session: the stream element that feeds
 * segmentation and scoring.
 *
 * @param userId the user
 * @param asOf event time of the snapshot (end of the session that produced it)
 * @param vector raw features, laid out as {@link FeatureVector} version {@code featureVersion}
 * @param standardized {@code vector} standardized with the running mean and variance; what models use
 * @param featureVersion {@link FeatureVector#VERSION} at the time of computation
 * @param extras the propensity model's inputs beyond {@code vector} ({@link ModelExtras}); null in snapshots made
 *     before they existed (kept in a savepoint's labeller state), which the model sees as missing
 * @param kind a session's snapshot or an idle one ({@link SnapshotKind}); null (state written before the field
 *     existed) is read as {@link SnapshotKind#SESSION}
 */
public record UserFeatures(
        String userId,
        long asOf,
        double[] vector,
        double[] standardized,
        int featureVersion,
        ModelExtras extras,
        SnapshotKind kind) {

    public UserFeatures {
        kind = kind == null ? SnapshotKind.SESSION : kind;
    }

    /** A session's snapshot. */
    public UserFeatures(
            String userId, long asOf, double[] vector, double[] standardized, int featureVersion, ModelExtras extras) {
        this(userId, asOf, vector, standardized, featureVersion, extras, SnapshotKind.SESSION);
    }

    /** A session's snapshot without extra inputs. */
    public UserFeatures(String userId, long asOf, double[] vector, double[] standardized, int featureVersion) {
        this(userId, asOf, vector, standardized, featureVersion, null);
    }

    /** True for an idle snapshot: scored, never labelled, trained on, segmented or counted as a session. */
    public boolean idle() {
        return kind == SnapshotKind.IDLE;
    }
}
