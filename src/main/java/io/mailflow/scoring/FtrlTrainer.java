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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the global propensity model from labelled examples and publishes a new {@link LogRegModel} version
 * every {@code publishEvery} examples. Runs at parallelism 1.
 *
 * <p>Two learners see every example: the linear {@link Ftrl} over the standardized features, and (unless the
 * job is configured linear) the {@link BinnedFtrl} over the raw features, binned by online quantiles and crossed
 * in pairs. The binned one is served: it ranks like a tree ensemble where the linear one cannot (issue 15). The
 * linear one is kept learning because it is cheap and is the migration path: a job restored from a savepoint
 * taken before the binned learner existed holds a trained linear model and an empty binned one, so it keeps
 * serving the linear model until the binned learner has seen as many examples as the linear one had at the
 * upgrade, at most {@value #SWITCH_AFTER} (the difference of the two learners' counts says how many that was, so
 * no extra state is needed). A fresh job serves the binned model from its first version.
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
    /** A restored linear model is served until the new binned learner has seen at most this many examples. */
    public static final long SWITCH_AFTER = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(FtrlTrainer.class);

    private final Ftrl ftrl;
    private final int features;
    private final int publishEvery;
    private final BinnedFtrlSettings binnedSettings;
    private transient ListState<FtrlState> ftrlState;
    private transient ListState<BinnedFtrlState> binnedState;
    private transient FtrlState state;
    private transient BinnedFtrl binned;
    private transient Counter rejected;
    private transient boolean servingBinned;

    /** A trainer that serves the linear model only. */
    public FtrlTrainer(Ftrl ftrl, int features, int publishEvery) {
        this(ftrl, features, publishEvery, null);
    }

    /**
     * @param binnedSettings the binned learner's settings: the {@code features} raw features first, then any
     *     numeric extras, then categorical ones ({@link ModelInputs}); null for a linear-only trainer
     */
    public FtrlTrainer(Ftrl ftrl, int features, int publishEvery, BinnedFtrlSettings binnedSettings) {
        if (binnedSettings != null && binnedSettings.numericFeatures() < features) {
            throw new IllegalArgumentException("the binned learner must take the " + features + " raw features");
        }
        this.ftrl = ftrl;
        this.features = features;
        this.publishEvery = publishEvery;
        this.binnedSettings = binnedSettings;
    }

    @Override
    public void open(OpenContext ctx) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        rejected = metrics.counter("propensityExamplesRejected");
        metrics.gauge("propensityTrainedVersion", () -> state.version());
        metrics.gauge("propensityExamples", () -> state.examples());
        metrics.gauge("propensityServedBinned", () -> servingBinned ? 1 : 0);
    }

    @Override
    public void processElement(LabeledExample example, Context ctx, Collector<LogRegModel> out) {
        if (example.features().length != features
                || !Ftrl.learnable(example.features(), example.label(), example.weight())
                || (binned != null && !learnableRaw(example.raw()))) {
            rejected.inc(); // another feature layout, or a non-finite value: learning from it would corrupt the model
            return;
        }
        state = ftrl.update(state, example.features(), example.label(), example.weight());
        if (binned != null) {
            // extras that are missing (an example from before them) or not finite go to their missing bins
            binned.learn(
                    ModelInputs.of(
                            example.raw(),
                            example.extras(),
                            example.tokens(),
                            binnedSettings.numericFeatures(),
                            binnedSettings.categoricalFeatures()),
                    example.label(),
                    example.weight());
        }
        if (state.examples() % publishEvery == 0) {
            state = new FtrlState(state.version() + 1, state.examples(), state.z(), state.n());
            out.collect(model());
        }
    }

    private boolean learnableRaw(double[] raw) {
        return raw != null && raw.length == features && Ftrl.learnable(raw, 0.0, 1.0);
    }

    /** The model to publish now, stamped with the current version: the binned one once it has caught up. */
    private LogRegModel model() {
        servingBinned = binnedCaughtUp();
        if (!servingBinned) {
            return ftrl.model(state);
        }
        BinnedModel m = binned.model();
        return new LogRegModel(state.version(), new double[0], m.intercept(), binned.examples(), m);
    }

    /**
     * True when the binned learner serves: it exists and has seen as many examples as the linear one had seen
     * before the binned one started (at most {@link #SWITCH_AFTER}).
     */
    private boolean binnedCaughtUp() {
        if (binned == null) {
            return false;
        }
        long headStart = state.examples() - binned.examples();
        return binned.examples() >= Math.min(headStart, SWITCH_AFTER);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        ftrlState.update(List.of(state));
        if (binned != null) {
            binnedState.update(List.of(binned.state()));
        }
    }

    /** The binned learner's state (operator state), next to the linear one's. */
    public static ListStateDescriptor<BinnedFtrlState> binnedStateDescriptor() {
        return new ListStateDescriptor<>("binned-ftrl-state", BinnedFtrlState.class);
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
        binnedState = context.getOperatorStateStore().getListState(binnedStateDescriptor());
        if (binnedSettings != null) {
            binned = new BinnedFtrl(binnedSettings);
            for (BinnedFtrlState restored : binnedState.get()) {
                try {
                    BinnedFtrl candidate = BinnedFtrl.restore(binnedSettings, restored);
                    if (candidate.examples() >= binned.examples()) {
                        binned = candidate;
                    }
                } catch (IllegalArgumentException e) {
                    // other settings (bins, hash bits, calibration window) or a damaged state: a fresh learner,
                    // while the linear model serves until it has caught up
                    LOG.warn(
                            "binned propensity state not restored ({}); the binned learner starts again",
                            e.getMessage());
                }
            }
        } else {
            binnedState.clear();
        }
        servingBinned = binnedCaughtUp();
    }

    /** The learn-time validation window of earlier versions; only read to be dropped. */
    static ListStateDescriptor<ValidationWindow> legacyWindowDescriptor() {
        return new ListStateDescriptor<>("ftrl-validation-window", ValidationWindow.class);
    }

    /** For tests: the state a snapshot would store. */
    FtrlState state() {
        return state;
    }

    /** For tests: the binned learner (null for a linear-only trainer). */
    BinnedFtrl binned() {
        return binned;
    }
}
