package io.mailflow.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.features.FeatureExtractor;
import io.mailflow.features.FeatureVector;
import io.mailflow.features.OnlineStandardizer;
import io.mailflow.features.StandardizerState;
import io.mailflow.features.UserHistory;
import io.mailflow.ingestion.EventValidator;
import io.mailflow.model.Event;
import io.mailflow.model.SessionSummary;
import io.mailflow.scoring.Ftrl;
import io.mailflow.scoring.FtrlState;
import io.mailflow.scoring.LogRegModel;
import io.mailflow.scoring.PropensityModel;
import io.mailflow.segmentation.KMeansModel;
import io.mailflow.segmentation.NearestCentroid;
import io.mailflow.segmentation.StreamingKMeans;
import io.mailflow.sessions.SessionAccumulator;
import io.mailflow.sessions.SessionAggregator;
import io.mailflow.testing.AdversarialCorpus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One purchase must not poison every model. The adversarial corpus goes through the validator, the session
 * arithmetic and the feature extractor into the standardizer, FTRL and streaming k-means, together with
 * vectors no validated input can produce (NaN, infinities, huge values) fed straight to each model: every
 * model parameter stays finite and every score stays in [0, 1].
 */
class ModelPoisoningTest {
    private static final double[][] HOSTILE = {
        filled(Double.NaN),
        filled(Double.POSITIVE_INFINITY),
        filled(Double.NEGATIVE_INFINITY),
        filled(1e308),
        filled(-1e308),
        filled(1e7),
        withOne(Double.NaN),
        withOne(Double.POSITIVE_INFINITY),
        new double[3],
        null
    };

    @Test
    void theCorpusAndHostileVectorsLeaveEveryModelParameterFiniteAndEveryScoreInZeroOne() {
        List<double[]> vectors = new ArrayList<>(corpusVectors());
        assertThat(vectors).isNotEmpty();
        for (double[] h : HOSTILE) {
            vectors.add(h);
        }
        // a whale who passed validation: the largest price times the largest quantity, many times over
        vectors.add(new FeatureExtractor(Duration.ofDays(7), 20).vector(history(Double.MAX_VALUE)));

        StandardizerState standardizer = OnlineStandardizer.empty(FeatureVector.SIZE);
        Ftrl ftrl = new Ftrl(0.1, 0.1, 0.001, 0.01);
        FtrlState ftrlState = FtrlState.initial(FeatureVector.SIZE);
        StreamingKMeans kmeans = new StreamingKMeans(2, 0.9);
        KMeansModel segments = null;
        Random random = new Random(1);
        List<double[]> batch = new ArrayList<>();
        int i = 0;
        for (double[] x : vectors) {
            standardizer = OnlineStandardizer.update(standardizer, x);
            assertFinite(standardizer.mean(), "standardizer mean after " + describe(x));
            assertFinite(standardizer.m2(), "standardizer m2 after " + describe(x));
            double[] z =
                    x != null && x.length == FeatureVector.SIZE ? OnlineStandardizer.standardize(standardizer, x) : x;
            for (double[] example : new double[][] {z, x}) {
                if (example != null && example.length == FeatureVector.SIZE) {
                    ftrlState = ftrl.update(ftrlState, example, i++ % 2, 1.0);
                    ftrlState = ftrl.update(ftrlState, example, 1, Double.POSITIVE_INFINITY);
                    ftrlState = ftrl.update(ftrlState, example, Double.NaN, 1.0);
                }
            }
            assertFinite(ftrlState.z(), "FTRL z after " + describe(x));
            assertFinite(ftrlState.n(), "FTRL n after " + describe(x));
            batch.add(z);
            batch.add(x);
            if (batch.size() >= 4) {
                segments = kmeans.update(segments, batch, random);
                batch.clear();
                if (segments != null) {
                    for (double[] c : segments.centroids()) {
                        assertFinite(c, "k-means centroid after " + describe(x));
                    }
                    assertFinite(segments.weights(), "k-means weights after " + describe(x));
                }
            }
        }
        assertThat(segments).as("k-means was seeded").isNotNull();

        LogRegModel model = ftrl.model(ftrlState);
        assertFinite(model.coefficients(), "coefficients");
        assertThat(Double.isFinite(model.intercept())).isTrue();
        PropensityModel scorer = PropensityModel.load(model);
        NearestCentroid nearest = new NearestCentroid(segments.centroids());
        for (double[] x : vectors) {
            if (x != null && x.length == FeatureVector.SIZE) {
                double[] z = OnlineStandardizer.standardize(standardizer, x);
                assertThat(Ftrl.predict(ftrl.weights(ftrlState), x)).isBetween(0.0, 1.0);
                assertThat(scorer.score(z)).as("score of %s", describe(x)).isBetween(0.0, 1.0);
                assertThat(Double.isFinite(nearest.distance(nearest.nearest(z), z)))
                        .isTrue();
            }
        }
    }

    @Test
    void aPoisonedPointNoLongerSendsEverySubtaskToSegmentZero() {
        KMeansModel m = new KMeansModel(1, new double[][] {{0, 0}, {10, 10}}, new double[] {5, 5});
        KMeansModel next = new StreamingKMeans(2, 0.9)
                .update(m, List.of(new double[] {Double.NaN, 1}, new double[] {10, 11}), new Random(1));
        assertFinite(next.centroids()[0], "centroid 0");
        assertThat(new NearestCentroid(next.centroids()).nearest(new double[] {10, 10}))
                .isEqualTo(1);
    }

    /** Feature vectors of the users whose corpus events the validator accepts, session by session. */
    private static List<double[]> corpusVectors() {
        EventValidator validator = new EventValidator(Duration.ofHours(1));
        SessionAggregator sessions = new SessionAggregator(20);
        Map<String, SessionAccumulator> byUser = new HashMap<>();
        for (AdversarialCorpus.Line line : AdversarialCorpus.load("events")) {
            EventValidator.Result r = validator.validate(line.bytes(), AdversarialCorpus.NOW);
            if (r.valid()) {
                Event e = r.event();
                byUser.put(
                        e.userId(), sessions.add(byUser.computeIfAbsent(e.userId(), u -> new SessionAccumulator()), e));
            }
        }
        FeatureExtractor extractor = new FeatureExtractor(Duration.ofDays(7), 20);
        List<double[]> out = new ArrayList<>();
        byUser.forEach((user, acc) -> {
            UserHistory h = null;
            SessionSummary s = sessions.summarize(user, acc);
            for (int repeat = 0; repeat < 3; repeat++) {
                h = extractor.update(h, s);
                out.add(extractor.vector(h));
            }
        });
        return out;
    }

    private static UserHistory history(double revenue) {
        double[] counts = new double[io.mailflow.model.EventType.values().length];
        java.util.Arrays.fill(counts, Double.MAX_VALUE);
        return new UserHistory(
                0, 1, Long.MAX_VALUE, 1, 1, revenue, counts, 1, 1, Long.MAX_VALUE, 1, 1, Map.of("c", Double.MAX_VALUE));
    }

    private static double[] filled(double v) {
        double[] x = new double[FeatureVector.SIZE];
        java.util.Arrays.fill(x, v);
        return x;
    }

    private static double[] withOne(double v) {
        double[] x = filled(0.5);
        x[FeatureVector.MONETARY] = v;
        return x;
    }

    private static String describe(double[] x) {
        return x == null ? "null" : java.util.Arrays.toString(x);
    }

    private static void assertFinite(double[] v, String what) {
        for (double d : v) {
            assertThat(Double.isFinite(d)).as(what).isTrue();
        }
    }
}
