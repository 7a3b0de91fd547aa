package io.mailflow.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mailflow.features.FeatureVector;
import io.mailflow.features.ModelExtras;
import io.mailflow.features.UserFeatures;
import io.mailflow.io.Json;
import java.util.List;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The binned learner's layout grew (issue 15: numeric and categorical extras appended after the raw features). A
 * trainer state and a published model of the earlier layout must keep working: the state restores and continues
 * (not restarted), the old model keeps scoring new snapshots from its first inputs.
 */
@SuppressWarnings("try") // the harnesses' close() declares InterruptedException
class ModelExtrasUpgradeTest {
    private static final Ftrl FTRL = new Ftrl(0.1, 0.1, 0.001, 0.01);
    private static final long T0 = 1_700_000_000_000L;

    private static BinnedFtrlSettings settings(int numeric, int categorical) {
        return new BinnedFtrlSettings(numeric, categorical, 8, 256, 64, 12, true, 0.05, 1.0, 0.0, 1.0, 256);
    }

    private static OneInputStreamOperatorTestHarness<LabeledExample, LogRegModel> harness(FtrlTrainer trainer)
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(trainer));
    }

    private static LabeledExample example(Random r, int i, boolean withExtras) {
        double[] x = {r.nextGaussian(), r.nextGaussian()};
        double label = r.nextDouble() < 1 / (1 + Math.exp(-3 * x[0])) ? 1 : 0;
        double[] raw = {3 + 2 * x[0], Math.exp(x[1])};
        return withExtras
                ? new LabeledExample(
                        "u" + i, i, x, label, 1.0, i, raw, new double[] {r.nextDouble(), Double.NaN, 1}, new String[] {
                            "t" + (i % 7), null
                        })
                : new LabeledExample("u" + i, i, x, label, 1.0, i, raw);
    }

    @Test
    void aTrainerStateOfTheEarlierLayoutRestoresIntoTheExtendedOneAndContinues() throws Exception {
        Random r = new Random(7);
        OperatorSubtaskState earlier;
        double[] edges0;
        FtrlTrainer old = new FtrlTrainer(FTRL, 2, 100, settings(2, 0));
        try (var h = harness(old)) {
            h.open();
            for (int i = 0; i < 400; i++) {
                h.processElement(example(r, i, false), i);
            }
            edges0 = old.binned().edges(0);
            earlier = h.snapshot(1, 1);
        }
        FtrlTrainer extended = new FtrlTrainer(FTRL, 2, 100, settings(5, 2));
        try (var h = harness(extended)) {
            h.initializeState(earlier);
            h.open();
            assertThat(extended.binned().examples())
                    .as("restored, not restarted")
                    .isEqualTo(400);
            assertThat(extended.binned().edges(0)).containsExactly(edges0);
            assertThat(extended.binned().edges(4))
                    .as("an appended feature starts without edges")
                    .isEmpty();
            for (int i = 400; i < 600; i++) {
                h.processElement(example(r, i, true), i);
            }
            List<LogRegModel> models = h.extractOutputValues();
            assertThat(models).extracting(LogRegModel::version).containsExactly(5L, 6L);
            assertThat(models).allSatisfy(m -> {
                assertThat(m.binned()).as("the binned model keeps serving").isNotNull();
                assertThat(m.binned().numericFeatures()).isEqualTo(5);
                assertThat(m.binned().categoricalFeatures()).isEqualTo(2);
                assertThat(m.binned().edges()[4]).hasSize(7);
            });
            assertThat(extended.binned().examples()).isEqualTo(600);
        }
    }

    @Test
    void aStateWithMoreFeaturesThanTheSettingsIsStillRejected() {
        BinnedFtrl wide = new BinnedFtrl(settings(5, 0));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BinnedFtrl.restore(settings(2, 0), wide.state()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPublishedModelOfTheEarlierLayoutStillParsesAndScoresNewSnapshotsByItsRawFeatures() throws Exception {
        // a binned model of the 15 raw features as the job published it before the extras (trained here)
        BinnedFtrl learner = new BinnedFtrl(settings(FeatureVector.SIZE, 0));
        Random r = new Random(3);
        for (int i = 0; i < 500; i++) {
            double[] raw = new double[FeatureVector.SIZE];
            for (int k = 0; k < raw.length; k++) {
                raw[k] = r.nextDouble();
            }
            learner.learn(new MixedFeatures(raw, new String[0]), raw[0] > 0.5 ? 1 : 0, 1);
        }
        String message = Json.toText(new LogRegModel(9, new double[0], 0, 500, learner.model()));
        LogRegModel parsed = Json.mapper().readValue(message, LogRegModel.class);
        PropensityModel served = PropensityModel.load(parsed);

        double[] raw = new double[FeatureVector.SIZE];
        raw[0] = 0.9;
        ModelExtras extras = new ModelExtras(T0, T0 - 3_600_000, T0, T0, 0.2, 0.5, 3, 1, 1, 0, new String[] {"ab"});
        UserFeatures withExtras = new UserFeatures("u", T0, raw, new double[FeatureVector.SIZE], 1, extras);
        UserFeatures without = new UserFeatures("u", T0, raw, new double[FeatureVector.SIZE], 1);
        // exactly what the scorer served for these raw features before the extras existed
        double before = PropensityModel.load(new LogRegModel(9, new double[0], 0, 500, learner.model()))
                .score(new double[FeatureVector.SIZE], raw);
        assertThat(served.score(withExtras)).isEqualTo(before);
        assertThat(served.score(without)).isEqualTo(before);
        assertThat(before).isCloseTo(learner.score(new MixedFeatures(raw, new String[0])), within(1e-4));
    }

    @Test
    void inputsAreCutOrPaddedToTheModelsLayout() {
        MixedFeatures x =
                ModelInputs.of(new double[] {1, 2}, new double[] {3}, new String[] {"a", "b".repeat(500)}, 4, 3);
        assertThat(x.numeric()).containsExactly(new double[] {1, 2, 3, Double.NaN}, within(0.0));
        assertThat(x.categorical()[0]).isEqualTo("a");
        assertThat(x.categorical()[1]).hasSize(ModelInputs.MAX_TOKEN_CHARS);
        assertThat(x.categorical()[2]).isNull();
        assertThat(ModelInputs.of(new double[] {1, 2}, null, null, 1, 0).numeric())
                .containsExactly(1.0);
    }
}
