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
 */
public record UserFeatures(String userId, long asOf, double[] vector, double[] standardized, int featureVersion) {}
