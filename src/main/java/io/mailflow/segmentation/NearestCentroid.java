package io.mailflow.segmentation;

import org.apache.flink.ml.common.distance.DistanceMeasure;
import org.apache.flink.ml.common.distance.EuclideanDistanceMeasure;
import org.apache.flink.ml.linalg.DenseVector;
import org.apache.flink.ml.linalg.VectorWithNorm;

/**
 * Nearest-centroid lookup with Flink ML's {@link EuclideanDistanceMeasure}, so that Mailflow assigns
 * points exactly as Flink ML's KMeans would. Centroid norms are computed once per model, not per
 * point. The Flink ML vector types stay inside this class; callers see {@code double[]} only.
 */
public final class NearestCentroid {
    private static final DistanceMeasure EUCLIDEAN = EuclideanDistanceMeasure.getInstance();

    private final VectorWithNorm[] centroids;

    public NearestCentroid(double[][] centroids) {
        this.centroids = new VectorWithNorm[centroids.length];
        for (int i = 0; i < centroids.length; i++) {
            this.centroids[i] = new VectorWithNorm(new DenseVector(centroids[i].clone()));
        }
    }

    /** Index of the closest centroid (the lowest index on ties). */
    public int nearest(double[] point) {
        return EUCLIDEAN.findClosest(centroids, new VectorWithNorm(new DenseVector(point)));
    }

    /** Euclidean distance from {@code point} to centroid {@code i}. */
    public double distance(int i, double[] point) {
        return EUCLIDEAN.distance(centroids[i], new VectorWithNorm(new DenseVector(point)));
    }

    public static double squaredDistance(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }
}
