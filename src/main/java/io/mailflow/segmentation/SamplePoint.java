package io.mailflow.segmentation;

/**
 * One user's latest standardized feature vector in the k-means trainer's sample (keyed there by a 64-bit hash of
 * the user id, never the id itself).
 *
 * @param asOf event time of the snapshot, for the sample's age limit ({@code kmeans.sample-max-age})
 * @param point the standardized vector
 */
public record SamplePoint(long asOf, double[] point) {}
