package io.mailflow.segmentation;

import java.util.List;

/** The reference for {@link KMeansRefit#lloyd}: Lloyd's algorithm without bounds (tests and JMH only). */
public final class PlainLloyd {
    private PlainLloyd() {}

    /** Lloyd's algorithm without bounds, as the refit ran it before the bounds. */
    public static KMeansRefit.Fit fit(int k, double[][] start, List<double[]> points) {
        int n = points.size();
        int dims = start[0].length;
        double[][] centroids = new double[k][];
        for (int j = 0; j < k; j++) {
            centroids[j] = start[j].clone();
        }
        int[] assigned = new int[n];
        java.util.Arrays.fill(assigned, -1);
        double[] d2 = new double[n];
        double[] counts = new double[k];
        for (int iteration = 0; iteration < KMeansRefit.MAX_ITERATIONS; iteration++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int nearest = 0;
                double min = Double.POSITIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    double d = NearestCentroid.squaredDistance(points.get(i), centroids[j]);
                    if (d < min) {
                        min = d;
                        nearest = j;
                    }
                }
                d2[i] = min;
                if (assigned[i] != nearest) {
                    assigned[i] = nearest;
                    changed = true;
                }
            }
            if (!changed && iteration > 0) {
                break;
            }
            double[][] sums = new double[k][dims];
            java.util.Arrays.fill(counts, 0);
            for (int i = 0; i < n; i++) {
                for (int x = 0; x < dims; x++) {
                    sums[assigned[i]][x] += points.get(i)[x];
                }
                counts[assigned[i]]++;
            }
            for (int j = 0; j < k; j++) {
                if (counts[j] > 0) {
                    for (int x = 0; x < dims; x++) {
                        centroids[j][x] = sums[j][x] / counts[j];
                    }
                } else if (n > k) {
                    int far = 0;
                    for (int i = 1; i < n; i++) {
                        if (d2[i] > d2[far]) {
                            far = i;
                        }
                    }
                    centroids[j] = points.get(far).clone();
                    d2[far] = 0;
                    assigned[far] = -1;
                }
            }
        }
        java.util.Arrays.fill(counts, 0);
        double sse = 0;
        for (int i = 0; i < n; i++) {
            int nearest = 0;
            double min = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double d = NearestCentroid.squaredDistance(points.get(i), centroids[j]);
                if (d < min) {
                    min = d;
                    nearest = j;
                }
            }
            counts[nearest]++;
            sse += min;
        }
        return new KMeansRefit.Fit(centroids, counts, sse);
    }
}
