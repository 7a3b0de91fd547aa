package io.mailflow.campaigns;

import io.mailflow.scoring.UpliftExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.streaming.api.TimerService;

/**
 * Turns the current user's uplift-targeted decisions into outcomes for the campaign's uplift model: the label is 1
 * if the user buys within the attribution window after the decision, whichever arm they were in, else 0 when the
 * window ends. This is the attribution of the variant bandit ({@link Exposure}) applied to both arms, so that the
 * treated and the control model see the same outcome definition. One decision per campaign and user waits at a time:
 * a newer decision of the same campaign replaces the older one, which is then not learned (a user decided twice
 * within one window has no clean outcome for either).
 *
 * <p>Each waiting decision has an event-time timer just after its window ends, one millisecond past a whole minute
 * so that it never shares its time with the housekeeping timer (whole minutes), which is moved and deleted.
 */
final class UpliftOutcomes {
    private final MapState<String, UpliftPending> waiting;
    private final long windowMs;

    UpliftOutcomes(MapState<String, UpliftPending> waiting, long windowMs) {
        this.waiting = waiting;
        this.windowMs = windowMs;
    }

    /** The time of the timer that closes a decision taken at {@code decisionTime}. */
    long closesAt(long decisionTime) {
        long end = decisionTime + windowMs;
        return Math.floorDiv(end, 60_000L) * 60_000L + 60_000L + 1;
    }

    /** Waits for the outcome of a decision (features null: nothing to learn from, not kept). */
    void decided(UpliftPending p, TimerService timers) throws Exception {
        if (p.features() == null) {
            return;
        }
        waiting.put(p.campaignId(), p);
        timers.registerEventTimeTimer(closesAt(p.decisionTime()));
    }

    /** A purchase at {@code t}: every decision whose window holds {@code t} becomes a positive example. */
    void purchased(long t, Consumer<UpliftExample> out) throws Exception {
        List<String> done = new ArrayList<>();
        for (Map.Entry<String, UpliftPending> e : waiting.entries()) {
            UpliftPending p = e.getValue();
            if (t >= p.decisionTime() && t < p.decisionTime() + windowMs) {
                out.accept(example(p, 1.0));
                done.add(e.getKey());
            }
        }
        for (String k : done) {
            waiting.remove(k);
        }
    }

    /** Event time reached {@code now}: decisions whose window has ended become negative examples. */
    void expire(long now, Consumer<UpliftExample> out) throws Exception {
        List<String> done = new ArrayList<>();
        for (Map.Entry<String, UpliftPending> e : waiting.entries()) {
            if (closesAt(e.getValue().decisionTime()) <= now) {
                out.accept(example(e.getValue(), 0.0));
                done.add(e.getKey());
            }
        }
        for (String k : done) {
            waiting.remove(k);
        }
    }

    /** Whether a waiting decision's timer is at {@code t} (it must not be deleted). */
    boolean dueAt(long t) throws Exception {
        for (UpliftPending p : waiting.values()) {
            if (closesAt(p.decisionTime()) == t) {
                return true;
            }
        }
        return false;
    }

    void clear() {
        waiting.clear();
    }

    private static UpliftExample example(UpliftPending p, double label) {
        return new UpliftExample(
                p.campaignId(), p.decisionTime(), p.features(), p.treated(), p.propensity(), label, 1.0);
    }
}
