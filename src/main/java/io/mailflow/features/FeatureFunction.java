package io.mailflow.features;

import io.mailflow.model.SessionSummary;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by user: folds every closed session into the user's {@link UserHistory} and emits the
 * user's {@link UserFeatures}, raw and standardized, with the propensity model's extra inputs ({@link ModelExtras}).
 *
 * <p>This is where e-mail engagement meets on-site behaviour: input 2 carries, keyed by user, the engagement
 * signals (delivered, opened, clicked, unsubscribed) and erasures. A signal only updates the history; the next
 * session's snapshot carries it to the labeller and the scorer, so no extra shuffle or state is needed and segments
 * and labels keep exactly one snapshot per session.
 *
 * <p>The history lives in keyed state with a TTL refreshed on every write, so users who stop coming
 * back disappear by themselves instead of accumulating forever.
 *
 * <p>The standardizer is per parallel instance (operator state), not global: users are hashed to
 * instances at random, so every instance sees a sample of the same population and its moments
 * converge to the global ones without a global aggregation step. On restore the assigned states are
 * merged exactly ({@link OnlineStandardizer#merge}); after a scale-up an instance that receives none
 * starts from scratch and catches up.
 */
public final class FeatureFunction extends KeyedCoProcessFunction<String, SessionSummary, FeatureSignal, UserFeatures>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    private final FeatureExtractor extractor;
    private final Duration ttl;
    private transient ValueState<UserHistory> history;
    private transient ListState<StandardizerState> standardizerState;
    private transient StandardizerState standardizer;
    private transient org.apache.flink.metrics.Counter invalidVectors;

    public FeatureFunction(FeatureExtractor extractor, Duration ttl) {
        this.extractor = extractor;
        this.ttl = ttl;
    }

    /** The standardizer's running mean and variance (operator state, one entry per subtask). */
    public static ListStateDescriptor<StandardizerState> standardizerDescriptor() {
        return new ListStateDescriptor<>("feature-standardizer", StandardizerState.class);
    }

    /** The user's long-lived history, without TTL (the state tools read it so); declared once. */
    public static ValueStateDescriptor<UserHistory> historyDescriptor() {
        return new ValueStateDescriptor<>("user-history", UserHistory.class);
    }

    /** The user's history as the operator holds it: forgotten {@code ttl} after its last write. */
    static ValueStateDescriptor<UserHistory> historyDescriptor(Duration ttl) {
        ValueStateDescriptor<UserHistory> d = historyDescriptor();
        d.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        return d;
    }

    @Override
    public void open(OpenContext ctx) {
        history = getRuntimeContext().getState(historyDescriptor(ttl));
        invalidVectors = getRuntimeContext().getMetricGroup().counter("featureVectorsRejected");
    }

    @Override
    public void processElement1(SessionSummary session, Context ctx, Collector<UserFeatures> out) throws Exception {
        UserHistory updated = extractor.update(history.value(), session);
        double[] vector = extractor.vector(updated);
        if (!FeatureVector.valid(vector)) {
            // Validated input cannot get here; should anything still do, it must not reach the models, and the
            // history that produced it is not kept.
            invalidVectors.inc();
            return;
        }
        history.update(updated);
        standardizer = OnlineStandardizer.update(standardizer, vector);
        out.collect(new UserFeatures(
                session.userId(),
                updated.lastSessionEnd(),
                vector,
                OnlineStandardizer.standardize(standardizer, vector),
                FeatureVector.VERSION,
                extractor.extras(updated)));
    }

    /**
     * Input 2: an erasure (GDPR) forgets the user's history; an e-mail signal updates it without emitting anything.
     */
    @Override
    public void processElement2(FeatureSignal signal, Context ctx, Collector<UserFeatures> out) throws Exception {
        if (signal.kind() == FeatureSignal.Kind.ERASED) {
            history.clear();
            return;
        }
        history.update(extractor.signal(history.value(), signal));
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        standardizerState.update(List.of(standardizer));
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        standardizerState = context.getOperatorStateStore().getListState(standardizerDescriptor());
        standardizer = OnlineStandardizer.empty(FeatureVector.SIZE);
        for (StandardizerState s : standardizerState.get()) {
            // A state from another feature layout is meaningless for this one: drop it.
            // A poisoned state (NaN or infinity, from before models were guarded) is dropped too.
            if (s.mean().length == FeatureVector.SIZE && OnlineStandardizer.healthy(s)) {
                standardizer = OnlineStandardizer.merge(standardizer, s);
            }
        }
    }

    /** For tests: the instance's current standardizer. */
    StandardizerState standardizer() {
        return standardizer;
    }
}
