package io.mailflow.scoring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps the score the scorer <em>served</em> for a feature snapshot until the snapshot's label arrives
 * from the {@link PurchaseLabeller}, then emits both as a {@link ServedOutcome}. The trainer never
 * re-scores anything for validation: what is evaluated is exactly what a campaign decision saw.
 *
 * <p>Input 1 is the scorer's output, input 2 the labelled examples; both keyed by user and matched on the
 * snapshot time. Either can come first (a purchase that overtook its snapshot labels it at once).
 * Per user the scorer emits scores in snapshot order, and only the first score of a snapshot counts (the
 * one served at decision time). A label whose snapshot was never scored (it arrived before the first
 * model and a later snapshot of the user replaced it in the scorer's buffer) is dropped as soon as a later
 * score shows that, else after {@value #LABEL_WAIT_HORIZONS} horizons. A score waits for its label until
 * event time reaches {@code snapshot + horizon}: every label but a censored one has arrived by then.
 * Censored snapshots (the labeller drops those whose horizon had not passed when the input ended) thus
 * never count as negatives. All state of a user is gone once its timers have fired.
 *
 * <p>Idle scores (of a user re-scored while away, {@link PropensityScore#idle()}) are ignored: the labeller makes no
 * example for their snapshots, so the metrics cover the scores of session-end snapshots only, as before.
 */
public final class ServedScoreJoin
        extends KeyedCoProcessFunction<String, PropensityScore, LabeledExample, ServedOutcome> {
    private static final long serialVersionUID = 1L;
    /** A label waits this many horizons after its snapshot for a score served before the first model. */
    public static final int LABEL_WAIT_HORIZONS = 10;

    private final long horizonMs;
    private transient MapState<Long, PropensityScore> scores;
    private transient MapState<Long, PendingLabel> labels;
    private transient ValueState<Long> lastScored;
    private transient Counter unscored;

    public ServedScoreJoin(Duration horizon) {
        this.horizonMs = horizon.toMillis();
    }

    @Override
    public void open(OpenContext ctx) {
        scores = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("served-scores", Types.LONG, Types.POJO(PropensityScore.class)));
        labels = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("served-labels", Types.LONG, Types.POJO(PendingLabel.class)));
        lastScored = getRuntimeContext().getState(new ValueStateDescriptor<>("served-last-snapshot", Types.LONG));
        unscored = getRuntimeContext().getMetricGroup().counter("propensityLabelsWithoutServedScore");
    }

    @Override
    public void processElement1(PropensityScore score, Context ctx, Collector<ServedOutcome> out) throws Exception {
        if (score.idle()) {
            return; // no label is ever made for an idle snapshot: it is served, not validated (docs/features.md)
        }
        long t = score.timestamp();
        Long last = lastScored.value();
        if (last != null && t <= last) {
            return; // a repeat or an older snapshot: not what was served first for it
        }
        lastScored.update(t);
        // Labels of earlier snapshots still waiting will never get a score now.
        List<Long> orphaned = new ArrayList<>();
        for (Long snapshot : labels.keys()) {
            if (snapshot < t) {
                orphaned.add(snapshot);
            }
        }
        for (Long snapshot : orphaned) {
            labels.remove(snapshot);
            unscored.inc();
        }
        PendingLabel label = labels.get(t);
        if (label != null) {
            labels.remove(t);
            out.collect(outcome(score, label.label(), label.labelTime()));
            return;
        }
        scores.put(t, score);
        ctx.timerService().registerEventTimeTimer(t + horizonMs);
    }

    @Override
    public void processElement2(LabeledExample example, Context ctx, Collector<ServedOutcome> out) throws Exception {
        long t = example.snapshotTime();
        PropensityScore score = scores.get(t);
        if (score != null) {
            scores.remove(t);
            out.collect(outcome(score, example.label(), example.labelTime()));
            return;
        }
        Long last = lastScored.value();
        if (last != null && last >= t) {
            unscored.inc(); // the scorer has moved past this snapshot without scoring it
            return;
        }
        labels.put(t, new PendingLabel(example.label(), example.labelTime()));
        ctx.timerService().registerEventTimeTimer(t + LABEL_WAIT_HORIZONS * horizonMs);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ServedOutcome> out) throws Exception {
        scores.remove(timestamp - horizonMs); // its label was censored, or the example was rejected upstream
        long labelSnapshot = timestamp - LABEL_WAIT_HORIZONS * horizonMs;
        if (labels.contains(labelSnapshot)) {
            labels.remove(labelSnapshot);
            unscored.inc();
        }
        if (scores.isEmpty() && labels.isEmpty()) {
            lastScored.clear();
        }
    }

    private static ServedOutcome outcome(PropensityScore score, double label, long labelTime) {
        return new ServedOutcome(score.timestamp(), score.score(), score.modelVersion(), label, labelTime);
    }
}
