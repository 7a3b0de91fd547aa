package io.mailflow.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StreamingKMeansTest {

    @Test
    void halfLifeConvertsToDecay() {
        assertThat(StreamingKMeans.decayFromHalfLife(1)).isEqualTo(0.5);
        assertThat(StreamingKMeans.decayFromHalfLife(2)).isCloseTo(Math.sqrt(0.5), within(1e-15));
        double d = StreamingKMeans.decayFromHalfLife(10);
        assertThat(Math.pow(d, 10)).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void updateFollowsTheDecayedWeightedMeanFormula() {
        KMeansModel model = new KMeansModel(3, new double[][] {{0, 0}, {10, 10}}, new double[] {4, 2});
        List<double[]> batch = List.of(new double[] {1, 1}, new double[] {3, 1}, new double[] {10, 12});

        KMeansModel next = new StreamingKMeans(2, 0.5).update(model, batch, new Random(1));

        // cluster 0: d*w = 2, m = 2, S = (4, 2)  -> w' = 4, c' = (2*(0,0) + (4,2)) / 4
        // cluster 1: d*w = 1, m = 1, S = (10, 12) -> w' = 2, c' = (1*(10,10) + (10,12)) / 2
        assertThat(next.version()).isEqualTo(4);
        assertThat(next.weights()).containsExactly(4.0, 2.0);
        assertThat(next.centroids()[0]).containsExactly(1.0, 0.5);
        assertThat(next.centroids()[1]).containsExactly(10.0, 11.0);
        assertThat(model.centroids()[0]).containsExactly(0.0, 0.0); // the input model is not mutated
    }

    @Test
    void clusterWithoutPointsKeepsItsCentroidAndDecays() {
        KMeansModel model = new KMeansModel(1, new double[][] {{0}, {10}}, new double[] {4, 8});
        KMeansModel next = new StreamingKMeans(2, 0.5).update(model, List.of(new double[] {1}), new Random(1));
        assertThat(next.weights()).containsExactly(3.0, 4.0);
        assertThat(next.centroids()[1]).containsExactly(10.0);
    }

    @Test
    void dyingClusterIsReseededBySplittingTheLargest() {
        KMeansModel model = new KMeansModel(1, new double[][] {{0, 0}, {50, 50}}, new double[] {100, 0.01});
        List<double[]> batch = List.of(new double[] {1, 1}, new double[] {-1, -1});

        KMeansModel next = new StreamingKMeans(2, 1.0).update(model, batch, new Random(7));

        assertThat(next.weights()).containsExactly(51.0, 51.0);
        assertThat(next.centroids()[1][0]).isCloseTo(0.0, within(1e-3));
        assertThat(next.centroids()[0]).isNotEqualTo(next.centroids()[1]);
    }

    @Test
    void firstBatchSeedsOnlyOnceItHoldsAtLeastKPoints() {
        StreamingKMeans kmeans = new StreamingKMeans(3, 0.9);
        assertThat(kmeans.update(null, List.of(new double[] {1}, new double[] {2}), new Random(1)))
                .isNull();

        KMeansModel seeded = kmeans.update(null, blobs(new Random(3), 10), new Random(1));
        assertThat(seeded.version()).isEqualTo(1);
        assertThat(seeded.weights()).containsExactly(10.0, 10.0, 10.0);
    }

    @Test
    void segmentIdsStayStableAcrossVersions() {
        StreamingKMeans kmeans = new StreamingKMeans(3, 0.8);
        Random data = new Random(11);
        KMeansModel model = kmeans.update(null, blobs(data, 20), new Random(5));
        int[] idOfBlob = idsOfBlobs(model);
        assertThat(idOfBlob).doesNotHaveDuplicates();
        for (int batch = 0; batch < 20; batch++) {
            model = kmeans.update(model, blobs(data, 5), new Random(batch));
            assertThat(idsOfBlobs(model)).containsExactly(idOfBlob);
        }
        assertThat(model.version()).isEqualTo(21);
    }

    private static int[] idsOfBlobs(KMeansModel model) {
        NearestCentroid nearest = new NearestCentroid(model.centroids());
        return new int[] {
            nearest.nearest(new double[] {0, 0}),
            nearest.nearest(new double[] {100, 0}),
            nearest.nearest(new double[] {0, 100})
        };
    }

    /** {@code perBlob} points around each of (0,0), (100,0) and (0,100). */
    static List<double[]> blobs(Random r, int perBlob) {
        double[][] centres = {{0, 0}, {100, 0}, {0, 100}};
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < perBlob; i++) {
            for (double[] c : centres) {
                points.add(new double[] {c[0] + r.nextGaussian(), c[1] + r.nextGaussian()});
            }
        }
        return points;
    }
}
