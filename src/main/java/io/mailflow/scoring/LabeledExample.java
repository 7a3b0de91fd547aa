package io.mailflow.scoring;

/**
 * A feature snapshot with its late-arriving label: did the user purchase within the horizon?
 *
 * @param userId the user
 * @param snapshotTime event time of the feature snapshot (end of the session)
 * @param features standardized features at that time
 * @param label 1 if the user purchased in {@code (snapshotTime, snapshotTime + horizon]}, else 0
 * @param weight sample weight; scales the example's gradient in {@link Ftrl}
 * @param labelTime event time at which the label became known
 * @param raw the raw (not standardized) features at that time, which the binned learner bins itself; null in
 *     examples made before it existed
 * @param extras the numeric {@link io.mailflow.features.ModelExtras} at the snapshot's time; null when unknown
 * @param tokens the categorical {@link io.mailflow.features.ModelExtras}; null when unknown
 */
public record LabeledExample(
        String userId,
        long snapshotTime,
        double[] features,
        double label,
        double weight,
        long labelTime,
        double[] raw,
        double[] extras,
        String[] tokens) {
    /** An example without extra inputs. */
    public LabeledExample(
            String userId,
            long snapshotTime,
            double[] features,
            double label,
            double weight,
            long labelTime,
            double[] raw) {
        this(userId, snapshotTime, features, label, weight, labelTime, raw, null, null);
    }

    /** An example without raw features (only the linear learner can learn it). */
    public LabeledExample(
            String userId, long snapshotTime, double[] features, double label, double weight, long labelTime) {
        this(userId, snapshotTime, features, label, weight, labelTime, null);
    }
}
