package io.mailflow.segmentation;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * k-means++ seeding (Arthur and Vassilvitskii, 2007): the first centre uniformly at random, each
 * further centre with probability proportional to its squared distance from the nearest centre
 * chosen so far. Spread-out seeds make the streaming updates converge far faster than random ones
 * and need no initial model from outside.
 */
public final class KMeansPlusPlus {
    private KMeansPlusPlus() {}

    /**
     * Picks {@code k} seeds among {@code points} (which must hold at least {@code k} points). If fewer
     * than {@code k} distinct points exist, duplicates are returned; the trainer splits them apart later.
     */
    public static double[][] seed(List<double[]> points, int k, Random random) {
        if (points.size() < k) {
            throw new IllegalArgumentException("need at least " + k + " points, got " + points.size());
        }
        double[][] seeds = new double[k][];
        seeds[0] = points.get(random.nextInt(points.size())).clone();
        double[] d2 = new double[points.size()];
        Arrays.fill(d2, Double.POSITIVE_INFINITY);
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (int i = 0; i < d2.length; i++) {
                d2[i] = Math.min(d2[i], NearestCentroid.squaredDistance(points.get(i), seeds[c - 1]));
                total += d2[i];
            }
            seeds[c] = points.get(sample(d2, total, random)).clone();
        }
        return seeds;
    }

    private static int sample(double[] d2, double total, Random random) {
        if (total <= 0) {
            return random.nextInt(d2.length); // every point coincides with a seed
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < d2.length; i++) {
            r -= d2[i];
            if (r < 0) {
                return i;
            }
        }
        // Rounding can leave r slightly positive: take the last point with any mass.
        for (int i = d2.length - 1; i >= 0; i--) {
            if (d2[i] > 0) {
                return i;
            }
        }
        return d2.length - 1;
    }
}
