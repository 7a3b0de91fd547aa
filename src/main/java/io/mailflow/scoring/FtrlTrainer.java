package io.mailflow.scoring;

import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Trains the global propensity model with {@link Ftrl} from labelled examples and publishes a new
 * {@link LogRegModel} version every {@code publishEvery} examples. Runs at parallelism 1.
 *
 * <p>Every example is scored <em>before</em> it is learned (progressive validation); AUC and log loss
 * over the last examples are exposed as gauges and emitted with each model on {@link #METRICS}.
 *
 * <p>The accumulators, the counters (so versions keep increasing) and the validation window live in
 * operator state: unlike Flink ML's OnlineLogisticRegression, a restore continues exactly where the
 * checkpoint left off instead of silently restarting the learning rates and versions.
 */
public final class FtrlTrainer extends ProcessFunction<LabeledExample, LogRegModel> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<ValidationMetrics> METRICS = new OutputTag<>("propensity-validation") {};

    private final Ftrl ftrl;
    private final int features;
    private final int publishEvery;
    private final int window;
    private transient ListState<FtrlState> ftrlState;
    private transient ListState<ValidationWindow> windowState;
    private transient FtrlState state;
    private transient ProgressiveValidator validator;
    private transient Counter rejected;
    private transient volatile double auc = Double.NaN;
    private transient volatile double logLoss = Double.NaN;

    public FtrlTrainer(Ftrl ftrl, int features, int publishEvery, int window) {
        this.ftrl = ftrl;
        this.features = features;
        this.publishEvery = publishEvery;
        this.window = window;
    }

    @Override
    public void open(OpenContext ctx) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        rejected = metrics.counter("propensityExamplesRejected");
        metrics.gauge("propensityTrainedVersion", () -> state.version());
        metrics.gauge("propensityExamples", () -> state.examples());
        metrics.gauge("progressiveAuc", () -> auc);
        metrics.gauge("progressiveLogLoss", () -> logLoss);
    }

    @Override
    public void processElement(LabeledExample example, Context ctx, Collector<LogRegModel> out) {
        if (example.features().length != features
                || !Ftrl.learnable(example.features(), example.label(), example.weight())) {
            rejected.inc(); // another feature layout, or a non-finite value: learning from it would corrupt the model
            return;
        }
        // Score first, learn second: the score is an honest out-of-sample prediction.
        validator.add(Ftrl.predict(ftrl.weights(state), example.features()), example.label());
        state = ftrl.update(state, example.features(), example.label(), example.weight());
        if (state.examples() % publishEvery == 0) {
            state = new FtrlState(state.version() + 1, state.examples(), state.z(), state.n());
            auc = validator.auc();
            logLoss = validator.logLoss();
            out.collect(ftrl.model(state));
            ctx.output(
                    METRICS, new ValidationMetrics(state.version(), state.examples(), validator.size(), auc, logLoss));
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        ftrlState.update(List.of(state));
        windowState.update(List.of(new ValidationWindow(validator.scores(), validator.labels())));
    }

    /** The learner's state (operator state); declared once (the bootstrap tool writes it). */
    public static ListStateDescriptor<FtrlState> stateDescriptor() {
        return new ListStateDescriptor<>("ftrl-state", FtrlState.class);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        ftrlState = context.getOperatorStateStore().getListState(stateDescriptor());
        windowState = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("ftrl-validation-window", ValidationWindow.class));
        state = FtrlState.initial(features);
        for (FtrlState restored : ftrlState.get()) {
            // Parallelism is 1, so there is one entry; should there be more, the most trained one wins.
            if (restored.features() == features && restored.examples() >= state.examples() && Ftrl.healthy(restored)) {
                state = restored;
            }
        }
        validator = new ProgressiveValidator(window);
        for (ValidationWindow w : windowState.get()) {
            validator = ProgressiveValidator.restore(window, w.scores(), w.labels());
        }
    }

    /** For tests: the state a snapshot would store. */
    FtrlState state() {
        return state;
    }
}
