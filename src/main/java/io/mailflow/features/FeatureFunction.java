package io.mailflow.features;

import io.mailflow.model.SessionSummary;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimerService;
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
 * <p>Idle snapshots ({@link IdleSchedule}, off by default): a user who stays away is snapshotted again at event-time
 * timers {@code after}, {@code 2 after}, ... up to {@code max} times after their latest session's end, each a
 * {@link SnapshotKind#IDLE} snapshot of the same history aged to the timer's instant (decayed counts decayed further,
 * the extras' recency grown), so the scorer serves a score that moves while the user is away. Nothing is stored for
 * it: the timer's instant says which repeat it is, the history is rebuilt from state, and the standardizer is not
 * updated by it. A new session replaces the pending timer, an erasure deletes it, and only users with a session get
 * one. The final watermark of a bounded input fires no idle snapshot: that instant was never reached.
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
    private final IdleSchedule idle;
    private transient ValueState<UserHistory> history;
    private transient ListState<StandardizerState> standardizerState;
    private transient StandardizerState standardizer;
    private transient org.apache.flink.metrics.Counter invalidVectors;

    /** A feature operator without idle snapshots. */
    public FeatureFunction(FeatureExtractor extractor, Duration ttl) {
        this(extractor, ttl, IdleSchedule.off());
    }

    public FeatureFunction(FeatureExtractor extractor, Duration ttl, IdleSchedule idle) {
        this.extractor = extractor;
        this.ttl = ttl;
        this.idle = idle;
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
        UserHistory before = history.value();
        UserHistory updated = extractor.update(before, session);
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
        boolean seen = before != null && before.totalSessions() > 0;
        if (idle.enabled() && (!seen || before.lastSessionEnd() != updated.lastSessionEnd())) {
            // a session that ended before the latest one (out of order) leaves the idle clock as it is
            if (seen) {
                cancelIdle(before, ctx.timerService());
            }
            ctx.timerService().registerEventTimeTimer(idle.at(updated.lastSessionEnd(), 1));
        }
    }

    /** An idle timer: the user's history aged to {@code timestamp}, emitted as an idle snapshot. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<UserFeatures> out) throws Exception {
        UserHistory h = history.value();
        if (h == null || h.totalSessions() == 0) {
            return; // forgotten (erasure, TTL) since the timer was set
        }
        OptionalInt k = idle.repeat(h.lastSessionEnd(), timestamp);
        if (k.isEmpty() || ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
            return; // stale (a later session moved the clock), or the input ended before this instant was reached
        }
        if (idle.hasNext(k.getAsInt())) {
            ctx.timerService().registerEventTimeTimer(idle.at(h.lastSessionEnd(), k.getAsInt() + 1));
        }
        UserHistory aged = extractor.aged(h, timestamp);
        double[] vector = extractor.vector(aged);
        if (!FeatureVector.valid(vector)) {
            invalidVectors.inc();
            return;
        }
        out.collect(new UserFeatures(
                ctx.getCurrentKey(),
                timestamp,
                vector,
                OnlineStandardizer.standardize(standardizer, vector), // served, never learned: no update
                FeatureVector.VERSION,
                extractor.extras(aged),
                SnapshotKind.IDLE));
    }

    private void cancelIdle(UserHistory h, TimerService timers) {
        OptionalLong pending = idle.pending(h.lastSessionEnd(), timers.currentWatermark());
        if (pending.isPresent()) {
            timers.deleteEventTimeTimer(pending.getAsLong());
        }
    }

    /**
     * Input 2: an erasure (GDPR) forgets the user's history; an e-mail signal updates it without emitting anything.
     */
    @Override
    public void processElement2(FeatureSignal signal, Context ctx, Collector<UserFeatures> out) throws Exception {
        if (signal.kind() == FeatureSignal.Kind.ERASED) {
            UserHistory h = history.value();
            if (h != null && h.totalSessions() > 0) {
                cancelIdle(h, ctx.timerService());
            }
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
