package io.mailflow.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KMeansPlusPlusTest {

    @Test
    void seedsLandInDistinctWellSeparatedBlobs() {
        List<double[]> points = StreamingKMeansTest.blobs(new Random(2), 30);
        for (int seed = 0; seed < 50; seed++) {
            double[][] seeds = KMeansPlusPlus.seed(points, 3, new Random(seed));
            // Each blob is within ~4 units of its centre; D^2 sampling must pick one seed per blob.
            long blobs = IntStream.range(0, 3)
                    .mapToObj(i -> blobOf(seeds[i]))
                    .distinct()
                    .count();
            assertThat(blobs).as("seed %d", seed).isEqualTo(3);
        }
    }

    @Test
    void seedsAreCopiesOfInputPoints() {
        List<double[]> points = List.of(new double[] {1, 2}, new double[] {3, 4});
        double[][] seeds = KMeansPlusPlus.seed(points, 2, new Random(0));
        assertThat(List.of(seeds)).extracting(s -> s[0]).containsExactlyInAnyOrder(1.0, 3.0);
        seeds[0][0] = 99;
        assertThat(points.get(0)[0]).isNotEqualTo(99);
        assertThat(points.get(1)[0]).isNotEqualTo(99);
    }

    @Test
    void coincidentPointsStillYieldKSeeds() {
        List<double[]> points = List.of(new double[] {1}, new double[] {1}, new double[] {1});
        assertThat(KMeansPlusPlus.seed(points, 3, new Random(0))).hasDimensions(3, 1);
        assertThatThrownBy(() -> KMeansPlusPlus.seed(points, 4, new Random(0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static String blobOf(double[] p) {
        return Math.round(p[0] / 100) + "," + Math.round(p[1] / 100);
    }
}
