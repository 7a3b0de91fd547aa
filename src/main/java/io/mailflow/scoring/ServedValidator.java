package io.mailflow.scoring;

import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The job's published propensity validation: AUC, log loss and expected calibration error of the scores
 * the job <em>served</em> ({@link ServedOutcome}s from {@link ServedScoreJoin}) over the last {@code window}
 * of them, published every {@code publishEvery} outcomes and once more when a bounded input ends. Runs at
 * parallelism 1 on a single key ({@link #KEY}); the key only gives it an event-time timer at the end of
 * input. Gauges: {@code servedAuc}, {@code servedLogLoss}, {@code servedCalibrationError}.
 *
 * <p>The window lives in operator state, so a restore continues where the checkpoint left off.
 */
public final class ServedValidator extends KeyedProcessFunction<String, ServedOutcome, ValidationMetrics>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    /** The one key every outcome is routed to. */
    public static final String KEY = "served";

    private final int publishEvery;
    private final int window;
    private transient ListState<ServedValidationState> checkpointed;
    private transient ProgressiveValidator validator;
    private transient long outcomes;
    private transient long latestVersion;
    private transient long lastPublished = -1;
    private transient volatile double auc = Double.NaN;
    private transient volatile double logLoss = Double.NaN;
    private transient volatile double calibrationError = Double.NaN;

    public ServedValidator(int publishEvery, int window) {
        this.publishEvery = publishEvery;
        this.window = window;
    }

    @Override
    public void open(OpenContext ctx) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        metrics.gauge("servedAuc", () -> auc);
        metrics.gauge("servedLogLoss", () -> logLoss);
        metrics.gauge("servedCalibrationError", () -> calibrationError);
        metrics.gauge("servedScoresEvaluated", () -> outcomes);
    }

    @Override
    public void processElement(ServedOutcome outcome, Context ctx, Collector<ValidationMetrics> out) {
        if (!Double.isFinite(outcome.score()) || !Double.isFinite(outcome.label())) {
            return; // the scorer never serves one; a corrupt outcome must not poison the window
        }
        validator.add(outcome.score(), outcome.label());
        outcomes++;
        latestVersion = Math.max(latestVersion, outcome.modelVersion());
        if (outcomes % publishEvery == 0) {
            publish(out);
        }
        ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE); // fires only when a bounded input ends
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ValidationMetrics> out) {
        if (outcomes != lastPublished) {
            publish(out);
        }
    }

    private void publish(Collector<ValidationMetrics> out) {
        auc = validator.auc();
        logLoss = validator.logLoss();
        calibrationError = validator.calibrationError();
        lastPublished = outcomes;
        out.collect(new ValidationMetrics(latestVersion, outcomes, validator.size(), auc, logLoss, calibrationError));
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        checkpointed.update(
                List.of(new ServedValidationState(outcomes, latestVersion, validator.scores(), validator.labels())));
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        checkpointed = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("served-validation", ServedValidationState.class));
        validator = new ProgressiveValidator(window);
        outcomes = 0;
        latestVersion = 0;
        for (ServedValidationState s : checkpointed.get()) {
            if (s.outcomes() >= outcomes) {
                validator = ProgressiveValidator.restore(window, s.scores(), s.labels());
                outcomes = s.outcomes();
                latestVersion = s.latestVersion();
            }
        }
        lastPublished = outcomes;
    }
}
