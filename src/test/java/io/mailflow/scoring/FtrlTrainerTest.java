package io.mailflow.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // the harnesses\' close() declares InterruptedException
class FtrlTrainerTest {
    private static final Ftrl FTRL = new Ftrl(0.1, 0.1, 0.001, 0.01);

    private static OneInputStreamOperatorTestHarness<LabeledExample, LogRegModel> harness(
            org.apache.flink.streaming.api.functions.ProcessFunction<LabeledExample, LogRegModel> trainer)
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(trainer));
    }

    private static List<LabeledExample> examples(int count, long seed) {
        Random r = new Random(seed);
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> {
                    double[] x = {r.nextGaussian(), r.nextGaussian()};
                    double label = r.nextDouble() < 1 / (1 + Math.exp(-3 * x[0])) ? 1 : 0;
                    return new LabeledExample("u" + i, i, x, label, 1.0, i);
                })
                .toList();
    }

    @Test
    void publishesVersionedModels() throws Exception {
        FtrlTrainer trainer = new FtrlTrainer(FTRL, 2, 100);
        try (var h = harness(trainer)) {
            h.open();
            for (LabeledExample e : examples(1000, 1)) {
                h.processElement(e, e.labelTime());
            }
            List<LogRegModel> models = h.extractOutputValues();
            assertThat(models)
                    .extracting(LogRegModel::version)
                    .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            assertThat(models).extracting(LogRegModel::examples).startsWith(100L, 200L);
            assertThat(models.get(9).coefficients()[0]).isGreaterThan(1.0);
        }
    }

    @Test
    void rejectsExamplesOfAnotherFeatureLayout() throws Exception {
        try (var h = harness(new FtrlTrainer(FTRL, 2, 1))) {
            h.open();
            h.processElement(new LabeledExample("u", 0, new double[] {1, 2, 3}, 1, 1, 0), 0);
            assertThat(h.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void accumulatorsAndVersionSurviveARestore() throws Exception {
        List<LabeledExample> data = examples(500, 2);
        FtrlTrainer uninterrupted = new FtrlTrainer(FTRL, 2, 100);
        List<LogRegModel> expected;
        try (var h = harness(uninterrupted)) {
            h.open();
            for (LabeledExample e : data) {
                h.processElement(e, e.labelTime());
            }
            expected = h.extractOutputValues();
        }

        OperatorSubtaskState snapshot;
        try (var h = harness(new FtrlTrainer(FTRL, 2, 100))) {
            h.open();
            for (LabeledExample e : data.subList(0, 250)) {
                h.processElement(e, e.labelTime());
            }
            snapshot = h.snapshot(1, 1);
        }
        FtrlTrainer restored = new FtrlTrainer(FTRL, 2, 100);
        try (var h = harness(restored)) {
            h.initializeState(snapshot);
            h.open();
            assertThat(restored.state().examples()).isEqualTo(250);
            assertThat(restored.state().version()).isEqualTo(2);
            for (LabeledExample e : data.subList(250, 500)) {
                h.processElement(e, e.labelTime());
            }
            List<LogRegModel> after = h.extractOutputValues();
            assertThat(after).extracting(LogRegModel::version).containsExactly(3L, 4L, 5L);
            LogRegModel last = after.get(2);
            assertThat(last.coefficients()).containsExactly(expected.get(4).coefficients(), within(1e-12));
            assertThat(last.intercept()).isCloseTo(expected.get(4).intercept(), within(1e-12));
            assertThat(restored.state().n())
                    .containsExactly(uninterrupted.state().n(), within(1e-12));
        }
    }

    /** The trainer as it checkpointed before served-score validation: accumulators and a learn-time window. */
    static final class EarlierTrainer
            extends org.apache.flink.streaming.api.functions.ProcessFunction<LabeledExample, LogRegModel>
            implements org.apache.flink.streaming.api.checkpoint.CheckpointedFunction {
        private static final long serialVersionUID = 1L;
        private final FtrlState state;
        private transient org.apache.flink.api.common.state.ListState<FtrlState> ftrl;
        private transient org.apache.flink.api.common.state.ListState<ValidationWindow> window;
        transient List<ValidationWindow> restoredWindows;

        EarlierTrainer(FtrlState state) {
            this.state = state;
        }

        @Override
        public void processElement(
                LabeledExample value, Context ctx, org.apache.flink.util.Collector<LogRegModel> out) {}

        @Override
        public void snapshotState(org.apache.flink.runtime.state.FunctionSnapshotContext context) throws Exception {
            ftrl.update(List.of(state));
            window.update(List.of(new ValidationWindow(new double[] {0.9, 0.1}, new double[] {1, 0})));
        }

        @Override
        public void initializeState(org.apache.flink.runtime.state.FunctionInitializationContext context)
                throws Exception {
            ftrl = context.getOperatorStateStore().getListState(FtrlTrainer.stateDescriptor());
            window = context.getOperatorStateStore().getListState(FtrlTrainer.legacyWindowDescriptor());
            restoredWindows = new java.util.ArrayList<>();
            window.get().forEach(restoredWindows::add);
        }
    }

    @Test
    void aSavepointWithTheEarlierLearnTimeValidationWindowRestoresAndTheWindowIsDropped() throws Exception {
        FtrlState trained = FtrlState.initial(2);
        for (LabeledExample e : examples(150, 3)) {
            trained = FTRL.update(trained, e.features(), e.label(), e.weight());
        }
        trained = new FtrlState(1, trained.examples(), trained.z(), trained.n());
        OperatorSubtaskState earlier;
        try (var h = harness(new EarlierTrainer(trained))) {
            h.open();
            earlier = h.snapshot(1, 1);
        }
        EarlierTrainer check = new EarlierTrainer(trained);
        try (var h = harness(check)) {
            h.initializeState(earlier);
            h.open();
            assertThat(check.restoredWindows)
                    .as("the fixture holds the earlier window")
                    .hasSize(1);
        }
        OperatorSubtaskState next;
        FtrlTrainer restored = new FtrlTrainer(FTRL, 2, 100);
        try (var h = harness(restored)) {
            h.initializeState(earlier);
            h.open();
            assertThat(restored.state().examples()).isEqualTo(150);
            assertThat(restored.state().version()).isEqualTo(1);
            next = h.snapshot(2, 2);
        }
        EarlierTrainer after = new EarlierTrainer(trained);
        try (var h = harness(after)) {
            h.initializeState(next);
            h.open();
            assertThat(after.restoredWindows)
                    .as("the trainer's next checkpoint no longer holds it")
                    .isEmpty();
        }
    }

    private static BinnedFtrlSettings binnedSettings() {
        return new BinnedFtrlSettings(2, 0, 8, 256, 64, 12, true, 0.05, 1.0, 0.0, 1.0, 256);
    }

    /** Examples whose raw features are the standardized ones shifted and scaled (any monotone map would do). */
    private static List<LabeledExample> withRaw(List<LabeledExample> examples) {
        return examples.stream()
                .map(e -> new LabeledExample(
                        e.userId(), e.snapshotTime(), e.features(), e.label(), e.weight(), e.labelTime(), new double[] {
                            3 + 2 * e.features()[0], Math.exp(e.features()[1])
                        }))
                .toList();
    }

    @Test
    void aFreshTrainerServesTheBinnedModelFromItsFirstVersion() throws Exception {
        FtrlTrainer trainer = new FtrlTrainer(FTRL, 2, 100, binnedSettings());
        try (var h = harness(trainer)) {
            h.open();
            for (LabeledExample e : withRaw(examples(1000, 4))) {
                h.processElement(e, e.labelTime());
            }
            List<LogRegModel> models = h.extractOutputValues();
            assertThat(models)
                    .extracting(LogRegModel::version)
                    .startsWith(1L, 2L)
                    .hasSize(10);
            assertThat(models).allSatisfy(m -> assertThat(m.binned()).isNotNull());
            BinnedModel last = models.get(9).binned();
            assertThat(last.edges()[0]).hasSize(7);
            // the served model ranks by the true signal: a high first feature scores above a low one
            PropensityModel served = PropensityModel.load(models.get(9));
            assertThat(served.score(new double[2], new double[] {3 + 2 * 1.5, 1}))
                    .isGreaterThan(served.score(new double[2], new double[] {3 - 2 * 1.5, 1}) + 0.3);
        }
    }

    @Test
    void examplesWithoutRawFeaturesOrWithNonFiniteOnesTeachNeitherLearner() throws Exception {
        FtrlTrainer trainer = new FtrlTrainer(FTRL, 2, 1, binnedSettings());
        try (var h = harness(trainer)) {
            h.open();
            h.processElement(new LabeledExample("u", 0, new double[] {1, 2}, 1, 1, 0), 0);
            h.processElement(new LabeledExample("u", 0, new double[] {1, 2}, 1, 1, 0, new double[] {1, Double.NaN}), 0);
            h.processElement(new LabeledExample("u", 0, new double[] {1, 2}, 1, 1, 0, new double[] {1}), 0);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(trainer.state().examples()).isZero();
            assertThat(trainer.binned().examples()).isZero();
        }
    }

    @Test
    void anUpgradedJobServesItsRestoredLinearModelUntilTheBinnedLearnerHasCaughtUp() throws Exception {
        List<LabeledExample> data = withRaw(examples(1200, 5));
        OperatorSubtaskState linearOnly;
        try (var h = harness(new FtrlTrainer(FTRL, 2, 100))) {
            h.open();
            for (LabeledExample e : data.subList(0, 400)) {
                h.processElement(e, e.labelTime());
            }
            linearOnly = h.snapshot(1, 1);
        }
        OperatorSubtaskState upgraded;
        FtrlTrainer trainer = new FtrlTrainer(FTRL, 2, 100, binnedSettings());
        try (var h = harness(trainer)) {
            h.initializeState(linearOnly);
            h.open();
            assertThat(trainer.state().examples()).isEqualTo(400);
            assertThat(trainer.binned().examples()).isZero();
            for (LabeledExample e : data.subList(400, 1000)) {
                h.processElement(e, e.labelTime());
            }
            List<LogRegModel> models = h.extractOutputValues();
            assertThat(models).extracting(LogRegModel::version).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
            // the binned learner had 100, 200, 300 examples at versions 5-7: the linear model (400 at the upgrade)
            // still serves; from 400 on (version 8) the binned one
            assertThat(models.subList(0, 3))
                    .allSatisfy(m -> assertThat(m.binned()).isNull());
            assertThat(models.subList(3, 6))
                    .allSatisfy(m -> assertThat(m.binned()).isNotNull());
            assertThat(models.get(3).examples()).isEqualTo(400);
            upgraded = h.snapshot(2, 2);
        }
        FtrlTrainer again = new FtrlTrainer(FTRL, 2, 100, binnedSettings());
        try (var h = harness(again)) {
            h.initializeState(upgraded);
            h.open();
            assertThat(again.binned().examples())
                    .as("the binned learner's state is checkpointed")
                    .isEqualTo(600);
            for (LabeledExample e : data.subList(1000, 1100)) {
                h.processElement(e, e.labelTime());
            }
            assertThat(h.extractOutputValues()).singleElement().satisfies(m -> {
                assertThat(m.version()).isEqualTo(11);
                assertThat(m.binned()).isNotNull();
            });
        }
        FtrlTrainer otherBins = new FtrlTrainer(
                FTRL, 2, 100, new BinnedFtrlSettings(2, 0, 4, 256, 64, 12, true, 0.05, 1.0, 0.0, 1.0, 256));
        try (var h = harness(otherBins)) {
            h.initializeState(upgraded);
            h.open();
            assertThat(otherBins.binned().examples())
                    .as("a state of other settings is not restored: the learner starts again")
                    .isZero();
            h.processElement(data.get(1100), 0);
            for (LabeledExample e : data.subList(1101, 1200)) {
                h.processElement(e, e.labelTime());
            }
            assertThat(h.extractOutputValues())
                    .singleElement()
                    .satisfies(m -> assertThat(m.binned())
                            .as("the linear model serves meanwhile")
                            .isNull());
        }
    }
}
