package io.mailflow.segmentation;

/**
 * One version of the segment model. Index {@code i} of {@code centroids} and {@code weights} is
 * segment id {@code i} in every version: updates move centroids in place, so ids do not switch
 * between versions (see {@link StreamingKMeans}).
 *
 * @param version 1 for the seeded model, +1 per mini-batch
 * @param centroids centroid per segment, in standardized feature space
 * @param weights decayed number of points behind each centroid
 */
public record KMeansModel(long version, double[][] centroids, double[] weights) {
    public int k() {
        return centroids.length;
    }
}
