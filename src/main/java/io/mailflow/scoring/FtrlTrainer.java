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

/**
 * Trains the global propensity model with {@link Ftrl} from labelled examples and publishes a new
 * {@link LogRegModel} version every {@code publishEvery} examples. Runs at parallelism 1.
 *
 * <p>The trainer does not validate: scoring an example when its label arrives, with a model that has
 * meanwhile learned from other labels, favours positives (labelled at the purchase) over negatives
 * (labelled a horizon later). The job validates the scores it served instead ({@link ServedValidator}).
 *
 * <p>The accumulators and the counters (so versions keep increasing) live in operator state: unlike Flink
 * ML's OnlineLogisticRegression, a restore continues exactly where the checkpoint left off instead of
 * silently restarting the learning rates and versions.
 */
public final class FtrlTrainer extends ProcessFunction<LabeledExample, LogRegModel> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    private final Ftrl ftrl;
    private final int features;
    private final int publishEvery;
    private transient ListState<FtrlState> ftrlState;
    private transient FtrlState state;
    private transient Counter rejected;

    public FtrlTrainer(Ftrl ftrl, int features, int publishEvery) {
        this.ftrl = ftrl;
        this.features = features;
        this.publishEvery = publishEvery;
    }

    @Override
    public void open(OpenContext ctx) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        rejected = metrics.counter("propensityExamplesRejected");
        metrics.gauge("propensityTrainedVersion", () -> state.version());
        metrics.gauge("propensityExamples", () -> state.examples());
    }

    @Override
    public void processElement(LabeledExample example, Context ctx, Collector<LogRegModel> out) {
        if (example.features().length != features
                || !Ftrl.learnable(example.features(), example.label(), example.weight())) {
            rejected.inc(); // another feature layout, or a non-finite value: learning from it would corrupt the model
            return;
        }
        state = ftrl.update(state, example.features(), example.label(), example.weight());
        if (state.examples() % publishEvery == 0) {
            state = new FtrlState(state.version() + 1, state.examples(), state.z(), state.n());
            out.collect(ftrl.model(state));
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        ftrlState.update(List.of(state));
    }

    /** The learner's state (operator state); declared once (the bootstrap tool writes it). */
    public static ListStateDescriptor<FtrlState> stateDescriptor() {
        return new ListStateDescriptor<>("ftrl-state", FtrlState.class);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        ftrlState = context.getOperatorStateStore().getListState(stateDescriptor());
        // Savepoints before the served-score validation hold the trainer's own (learn-time) validation
        // window: registered once more so that it restores, then emptied so that it leaves the next one.
        context.getOperatorStateStore().getListState(legacyWindowDescriptor()).clear();
        state = FtrlState.initial(features);
        for (FtrlState restored : ftrlState.get()) {
            // Parallelism is 1, so there is one entry; should there be more, the most trained one wins.
            if (restored.features() == features && restored.examples() >= state.examples() && Ftrl.healthy(restored)) {
                state = restored;
            }
        }
    }

    /** The learn-time validation window of earlier versions; only read to be dropped. */
    static ListStateDescriptor<ValidationWindow> legacyWindowDescriptor() {
        return new ListStateDescriptor<>("ftrl-validation-window", ValidationWindow.class);
    }

    /** For tests: the state a snapshot would store. */
    FtrlState state() {
        return state;
    }
}
