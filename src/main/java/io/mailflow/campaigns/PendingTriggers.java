package io.mailflow.campaigns;

import io.mailflow.campaigns.rules.Supersession;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongPredicate;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.streaming.api.TimerService;

/**
 * The current user's fired triggers waiting for their due time (keyed state of {@link TriggerFunction}),
 * each with an event-time timer at its {@code dueAt}. Several triggers may share a timer, so a timer is
 * deleted only when no pending trigger is due at its time any more.
 */
final class PendingTriggers {
    private final MapState<String, Pending> pending;
    private LongPredicate otherwiseUsed = t -> false;

    PendingTriggers(MapState<String, Pending> pending) {
        this.pending = pending;
    }

    /**
     * Keeps {@code p} until its due time. With {@code newestFactOnly}, a newer fact of the same campaign
     * replaces the triggers it supersedes, and a fact older than a pending newer one is ignored
     * (see {@link Supersession}).
     */
    void schedule(Pending p, boolean newestFactOnly, TimerService timers) throws Exception {
        if (newestFactOnly) {
            Supersession s = Supersession.of(p, pending.values());
            if (s.ignored()) {
                return;
            }
            for (Pending q : s.superseded()) {
                pending.remove(q.key());
                deleteTimerIfUnused(q.dueAt(), timers);
            }
        }
        pending.put(p.key(), p);
        timers.registerEventTimeTimer(p.dueAt());
    }

    /** Timers at times for which {@code used} holds are never deleted (another piece of state shares them). */
    void keepTimersAt(LongPredicate used) {
        this.otherwiseUsed = used;
    }

    /** Whether a pending trigger is due at {@code t}. */
    boolean isDueAt(long t) throws Exception {
        for (Pending q : pending.values()) {
            if (q.dueAt() == t) {
                return true;
            }
        }
        return false;
    }

    /** Removes and returns the triggers due at {@code timestamp}, ordered by key (a deterministic order of e-mails). */
    List<Pending> takeDue(long timestamp) throws Exception {
        List<Pending> due = new ArrayList<>();
        for (Pending p : pending.values()) {
            if (p.dueAt() == timestamp) {
                due.add(p);
            }
        }
        due.sort(Comparator.comparing(Pending::key));
        for (Pending p : due) {
            pending.remove(p.key());
        }
        return due;
    }

    /** Deletes the timer at {@code t} unless a pending trigger is due then or another user of timers needs it. */
    void deleteTimerIfUnused(long t, TimerService timers) throws Exception {
        if (!isDueAt(t) && !otherwiseUsed.test(t)) {
            timers.deleteEventTimeTimer(t);
        }
    }

    void clear() {
        pending.clear();
    }
}
