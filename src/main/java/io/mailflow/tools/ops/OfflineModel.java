package io.mailflow.tools.ops;

import io.mailflow.features.FeatureVector;
import io.mailflow.io.Json;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A model trained offline, to start the job with ({@code StateTool bootstrap}). JSON:
 *
 * <pre>{
 *   "version": 1,
 *   "kmeans": {"centroids": [[...15 numbers...], ...], "weights": [100.0, ...]},
 *   "propensity": {"coefficients": [...15 numbers...], "intercept": -2.0}
 * }</pre>
 *
 * Vectors are in the job's standardized feature space ({@link FeatureVector}, {@value FeatureVector#SIZE}
 * numbers). {@code weights} (how many points each centroid stands for, so how fast streaming updates
 * move it) defaults to 1 per centroid. Either model may be left out.
 */
public record OfflineModel(long version, KMeans kmeans, Propensity propensity) {
    public record KMeans(double[][] centroids, double[] weights) {}

    public record Propensity(double[] coefficients, double intercept) {}

    public static OfflineModel read(Path file) throws IOException {
        OfflineModel m = Json.mapper().readValue(file.toFile(), OfflineModel.class);
        return m.validated();
    }

    OfflineModel validated() {
        if (kmeans == null && propensity == null) {
            throw new IllegalArgumentException("the model file has neither 'kmeans' nor 'propensity'");
        }
        long v = version <= 0 ? 1 : version;
        KMeans k = kmeans;
        if (k != null) {
            if (k.centroids() == null || k.centroids().length < 2) {
                throw new IllegalArgumentException("kmeans.centroids needs at least 2 centroids");
            }
            for (double[] c : k.centroids()) {
                requireSize("kmeans.centroids[i]", c);
            }
            double[] w = k.weights();
            if (w == null) {
                w = new double[k.centroids().length];
                java.util.Arrays.fill(w, 1.0);
            } else if (w.length != k.centroids().length) {
                throw new IllegalArgumentException("kmeans.weights needs one weight per centroid");
            }
            k = new KMeans(k.centroids(), w);
        }
        if (propensity != null) {
            requireSize("propensity.coefficients", propensity.coefficients());
        }
        return new OfflineModel(v, k, propensity);
    }

    private static void requireSize(String what, double[] v) {
        if (v == null || v.length != FeatureVector.SIZE) {
            throw new IllegalArgumentException(what + " needs " + FeatureVector.SIZE + " numbers (feature layout v"
                    + FeatureVector.VERSION + "), got " + (v == null ? 0 : v.length));
        }
    }
}
