package io.mailflow.bench;

import io.mailflow.features.UserFeatures;
import io.mailflow.segmentation.KMeansModel;
import io.mailflow.segmentation.NearestCentroid;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import smile.clustering.KMeans;
import smile.clustering.PartitionClustering;
import smile.math.MathEx;

/**
 * The streaming segment model against batch k-means++ (Smile) on the same final window, and how stable
 * segment ids are from one model version to the next.
 *
 * <p>The final window is every user's latest standardized feature snapshot at the end of the replay (the
 * population the last model version segments). SSE is the sum of squared distances of those points to
 * their nearest centroid, for the streaming model's last version and for the best of {@code runs} Smile
 * k-means++ runs with the same k; the ratio is streaming / batch. Stability: for every pair of consecutive
 * model versions, the share of the window's points whose segment id is the same under both; centroid
 * drift is the mean distance a centroid moves between consecutive versions.
 */
public final class SegmentEvaluation {

    public record Result(
            int users,
            int k,
            int versions,
            double streamingSse,
            double batchSse,
            double ratio,
            double meanStability,
            double minStability,
            double lateStability,
            double meanDrift,
            double rmsRadius) {}

    private SegmentEvaluation() {}

    /** Every user's latest standardized snapshot. */
    public static double[][] finalWindow(List<UserFeatures> features) {
        Map<String, UserFeatures> latest = new LinkedHashMap<>();
        for (UserFeatures f : features) {
            latest.merge(f.userId(), f, (a, b) -> b.asOf() >= a.asOf() ? b : a);
        }
        return latest.values().stream().map(UserFeatures::standardized).toArray(double[][]::new);
    }

    public static Result evaluate(List<UserFeatures> features, List<KMeansModel> models, int runs, long seed) {
        double[][] points = finalWindow(features);
        List<KMeansModel> versions = models.stream()
                .sorted(Comparator.comparingLong(KMeansModel::version))
                .toList();
        KMeansModel last = versions.get(versions.size() - 1);
        int k = last.k();
        double streaming = sse(points, last.centroids());

        MathEx.setSeed(seed);
        KMeans best = PartitionClustering.run(runs, () -> KMeans.fit(points, k));
        double batch = sse(points, best.centroids);

        int pairs = versions.size() - 1;
        double stabilitySum = 0;
        double lateSum = 0;
        int late = 0;
        double minStability = 1;
        double driftSum = 0;
        for (int v = 0; v < pairs; v++) {
            double s = sameSegment(
                    points, versions.get(v).centroids(), versions.get(v + 1).centroids());
            stabilitySum += s;
            minStability = Math.min(minStability, s);
            if (v >= pairs / 2) {
                lateSum += s;
                late++;
            }
            driftSum += drift(versions.get(v).centroids(), versions.get(v + 1).centroids());
        }
        return new Result(
                points.length,
                k,
                versions.size(),
                streaming,
                batch,
                streaming / batch,
                pairs == 0 ? Double.NaN : stabilitySum / pairs,
                pairs == 0 ? Double.NaN : minStability,
                late == 0 ? Double.NaN : lateSum / late,
                pairs == 0 ? Double.NaN : driftSum / pairs,
                Math.sqrt(streaming / points.length));
    }

    /** Sum of squared Euclidean distances of the points to their nearest centroid. */
    public static double sse(double[][] points, double[][] centroids) {
        NearestCentroid nearest = new NearestCentroid(centroids);
        double sum = 0;
        for (double[] p : points) {
            sum += NearestCentroid.squaredDistance(p, centroids[nearest.nearest(p)]);
        }
        return sum;
    }

    static double sameSegment(double[][] points, double[][] before, double[][] after) {
        NearestCentroid a = new NearestCentroid(before);
        NearestCentroid b = new NearestCentroid(after);
        int same = 0;
        for (double[] p : points) {
            same += a.nearest(p) == b.nearest(p) ? 1 : 0;
        }
        return (double) same / points.length;
    }

    static double drift(double[][] before, double[][] after) {
        double sum = 0;
        for (int i = 0; i < before.length; i++) {
            sum += Math.sqrt(NearestCentroid.squaredDistance(before[i], after[i]));
        }
        return sum / before.length;
    }
}
