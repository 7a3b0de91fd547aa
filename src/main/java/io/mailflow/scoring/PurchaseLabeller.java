package io.mailflow.scoring;

import io.mailflow.features.UserFeatures;
import io.mailflow.model.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Labels feature snapshots with what happened next: a snapshot taken at {@code t} (a session's end)
 * becomes a positive example as soon as the user purchases in {@code (t, t + horizon]}, and a negative
 * one when the watermark passes {@code t + horizon} without such a purchase.
 *
 * <p>Input 1 is the user's feature snapshots, input 2 the user's purchase events. Purchases can
 * overtake snapshots (a snapshot only exists once the session window has closed), so the latest
 * purchase time is remembered until it can no longer label anything, at {@code purchase + horizon}.
 * The horizon should exceed the session gap for that to cover every snapshot.
 *
 * <p>Censoring: when a bounded input ends (a replay, a backtest, a stop with drain) the final watermark
 * fires every timer, also those of snapshots whose horizon event time never reached. Those snapshots are
 * censored, not negative: they are dropped without an example (counted in {@code
 * propensityExamplesCensored}), so neither the trainer nor the validation counts them.
 *
 * <p>Release: with {@code releaseAtHorizon} (the job's default, {@code label.release: horizon}) a positive is
 * held until {@code t + horizon} like a negative, so every example reaches the trainer exactly one horizon after
 * its snapshot, whatever its label. Released at the purchase instead, positives would reach the trainer up to a
 * horizon before the negatives of the same snapshots, and the model would learn a purchase rate that is too high
 * (the delayed-feedback bias). A held positive is still a positive when a bounded input ends before its horizon:
 * its label is known.
 *
 * <p>Idle snapshots ({@link io.mailflow.features.SnapshotKind#IDLE}) are not labelled: the model learns from session
 * ends only, and the served-score validation has no label for them.
 *
 * <p>Timers are never deleted: each timer looks up what is still pending at its instant and does
 * nothing otherwise, so a snapshot labelled early simply leaves a harmless timer behind. Once every
 * timer has fired, no state is left for the user.
 */
public final class PurchaseLabeller extends KeyedCoProcessFunction<String, UserFeatures, Event, LabeledExample> {
    private static final long serialVersionUID = 1L;

    private final long horizonMs;
    private final boolean releaseAtHorizon;
    private transient MapState<Long, UserFeatures> pending;
    private transient MapState<Long, Long> positives;
    private transient ValueState<Long> lastPurchase;
    private transient Counter censored;

    /** A labeller that releases a positive at the purchase. */
    public PurchaseLabeller(Duration horizon) {
        this(horizon, false);
    }

    /**
     * @param releaseAtHorizon hold positives until the horizon passes, as negatives (true), or release them at the
     *     purchase (false)
     */
    public PurchaseLabeller(Duration horizon, boolean releaseAtHorizon) {
        this.horizonMs = horizon.toMillis();
        this.releaseAtHorizon = releaseAtHorizon;
    }

    @Override
    public void open(OpenContext ctx) {
        pending = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("pending-snapshots", Types.LONG, Types.POJO(UserFeatures.class)));
        positives = getRuntimeContext().getMapState(new MapStateDescriptor<>("held-positives", Types.LONG, Types.LONG));
        lastPurchase = getRuntimeContext().getState(new ValueStateDescriptor<>("last-purchase", Types.LONG));
        censored = getRuntimeContext().getMetricGroup().counter("propensityExamplesCensored");
    }

    @Override
    public void processElement1(UserFeatures snapshot, Context ctx, Collector<LabeledExample> out) throws Exception {
        if (snapshot.idle()) {
            return; // served only: learning it would weigh dormant users once per repeat and teach a label never served
        }
        Long purchase = lastPurchase.value();
        if (purchase != null && labels(snapshot.asOf(), purchase) && !releaseAtHorizon) {
            out.collect(example(snapshot, 1.0, purchase));
            return;
        }
        if (purchase != null && labels(snapshot.asOf(), purchase)) {
            positives.put(snapshot.asOf(), purchase);
        }
        pending.put(snapshot.asOf(), snapshot);
        ctx.timerService().registerEventTimeTimer(snapshot.asOf() + horizonMs);
    }

    @Override
    public void processElement2(Event purchase, Context ctx, Collector<LabeledExample> out) throws Exception {
        long t = purchase.timestamp();
        List<Long> labelled = new ArrayList<>();
        for (Map.Entry<Long, UserFeatures> e : pending.entries()) {
            if (labels(e.getKey(), t)) {
                if (releaseAtHorizon) {
                    Long first = positives.get(e.getKey());
                    if (first == null || t < first) {
                        positives.put(e.getKey(), t); // the label is known: released when the horizon passes
                    }
                } else {
                    out.collect(example(e.getValue(), 1.0, t));
                    labelled.add(e.getKey());
                }
            }
        }
        for (Long key : labelled) {
            pending.remove(key);
        }
        Long last = lastPurchase.value();
        if (last == null || t > last) {
            lastPurchase.update(t);
            ctx.timerService().registerEventTimeTimer(t + horizonMs);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<LabeledExample> out) throws Exception {
        long snapshotTime = timestamp - horizonMs;
        UserFeatures unlabelled = pending.get(snapshotTime);
        Long positive = positives.get(snapshotTime);
        if (unlabelled != null && positive != null) {
            out.collect(example(unlabelled, 1.0, positive)); // held until now; known even if the input ended
            pending.remove(snapshotTime);
            positives.remove(snapshotTime);
        } else if (unlabelled != null) {
            if (ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
                censored.inc(); // the input ended before the horizon passed: the label is unknown
            } else {
                out.collect(example(unlabelled, 0.0, timestamp));
            }
            pending.remove(snapshotTime);
        }
        Long last = lastPurchase.value();
        if (last != null && last + horizonMs == timestamp) {
            lastPurchase.clear();
        }
    }

    /** True when a purchase at {@code purchase} makes the snapshot at {@code snapshot} positive. */
    private boolean labels(long snapshot, long purchase) {
        return purchase > snapshot && purchase <= snapshot + horizonMs;
    }

    private static LabeledExample example(UserFeatures f, double label, long labelTime) {
        // the extras as at the snapshot's time, as the scorer saw them: the model learns what it is served
        return new LabeledExample(
                f.userId(),
                f.asOf(),
                f.standardized(),
                label,
                1.0,
                labelTime,
                f.vector(),
                f.extras() == null ? null : f.extras().numeric(f.asOf()),
                f.extras() == null ? null : f.extras().categorical());
    }
}
