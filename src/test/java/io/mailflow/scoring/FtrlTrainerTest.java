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
}
