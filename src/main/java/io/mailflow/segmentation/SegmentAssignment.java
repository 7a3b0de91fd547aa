package io.mailflow.segmentation;

/**
 * The segment of a user as of a feature snapshot.
 *
 * @param userId the user
 * @param segment index of the nearest centroid; stable across model versions
 * @param modelVersion version of the {@link KMeansModel} that decided it
 * @param distance Euclidean distance to that centroid (how typical the user is of the segment)
 * @param asOf event time of the feature snapshot
 */
public record SegmentAssignment(String userId, int segment, long modelVersion, double distance, long asOf) {}
