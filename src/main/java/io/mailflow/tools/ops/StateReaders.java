package io.mailflow.tools.ops;

import io.mailflow.campaigns.Pending;
import io.mailflow.features.FeatureFunction;
import io.mailflow.features.UserHistory;
import io.mailflow.guardrails.Deferred;
import io.mailflow.guardrails.GuardrailFunction;
import io.mailflow.guardrails.SendLog;
import io.mailflow.guardrails.SentEntry;
import io.mailflow.ingestion.DeduplicateFunction;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.Suppression;
import io.mailflow.model.UserProfile;
import io.mailflow.profiles.ProfileJoinFunction;
import io.mailflow.segmentation.KMeansModel;
import io.mailflow.segmentation.KMeansTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.util.Collector;

/**
 * State Processor API readers of Mailflow's keyed state, one per stateful operator. Each declares the
 * same state names and types as the operator that writes the state; the savepoint-compatibility test
 * reads every committed savepoint through them, so a renamed state or an incompatible type change
 * fails there before it reaches a user's savepoint.
 *
 * <p>State with a time-to-live is read with expired entries included (nothing is cleaned up while
 * reading): a savepoint is inspected for what it holds, whenever it was taken.
 */
public final class StateReaders {
    private StateReaders() {}

    /**
     * One user's de-duplication ids ({@code DeduplicateFunction}, uid {@code deduplicate-events}): how many,
     * the event time of the next sweep ({@code event-ids-sweep}, null if none) and whether its event-time
     * timer is registered.
     */
    public record SeenIds(String userId, int count, Long sweepAt, boolean sweepTimerRegistered) {}

    /**
     * One user's contact state in the profile join ({@code ProfileJoinFunction}, uid {@code profile-join}):
     * the profile and suppression (either may be null) and how many requests wait for their decision,
     * each decision with its event-time timer.
     */
    public record ContactRow(
            String userId,
            UserProfile profile,
            Suppression suppression,
            int requestsWaiting,
            boolean waitingTimersRegistered) {}

    /** One user's guardrail state ({@code GuardrailFunction}, uid {@code guardrails}): recent releases and deferred requests. */
    public record GuardrailRow(String userId, List<SentEntry> sent, List<DeferredRow> deferred) {}

    /** A request the guardrails deferred, and whether the event-time timer of its next look is registered. */
    public record DeferredRow(String requestId, long until, boolean timerRegistered, Deferred deferred) {}

    /** One trigger waiting for its campaign's delay and whether its event-time timer is registered ({@code TriggerFunction}). */
    public record PendingTriggerRow(String userId, long dueAt, boolean timerRegistered, Pending pending) {}

    /** One user's long-lived feature history ({@code FeatureFunction}). */
    public record HistoryRow(String userId, UserHistory history) {}

    static void readingTtl(org.apache.flink.api.common.state.StateDescriptor<?, ?> descriptor) {
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(java.time.Duration.ofDays(36500))
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.ReturnExpiredIfNotCleanedUp)
                .disableCleanupInBackground()
                .build());
    }

    public static final class Dedup extends KeyedStateReaderFunction<String, SeenIds> {
        private transient MapState<String, Long> seen;
        private transient ValueState<Long> sweepAt;

        @Override
        public void open(OpenContext ctx) {
            seen = getRuntimeContext().getMapState(DeduplicateFunction.seenIdsDescriptor());
            sweepAt = getRuntimeContext().getState(DeduplicateFunction.sweepDescriptor());
        }

        @Override
        public void readKey(String user, Context ctx, Collector<SeenIds> out) throws Exception {
            int n = 0;
            for (String ignored : seen.keys()) {
                n++;
            }
            Long sweep = sweepAt.value();
            out.collect(new SeenIds(
                    user,
                    n,
                    sweep,
                    sweep != null && ctx.registeredEventTimeTimers().contains(sweep)));
        }
    }

    public static final class PendingTriggers extends KeyedStateReaderFunction<String, PendingTriggerRow> {
        private transient MapState<String, Pending> pending;

        @Override
        public void open(OpenContext ctx) {
            pending = getRuntimeContext().getMapState(io.mailflow.campaigns.Descriptors.pendingTriggers());
        }

        @Override
        public void readKey(String user, Context ctx, Collector<PendingTriggerRow> out) throws Exception {
            List<Pending> all = new ArrayList<>();
            pending.values().forEach(all::add);
            for (Pending p : all) {
                out.collect(new PendingTriggerRow(
                        user, p.dueAt(), ctx.registeredEventTimeTimers().contains(p.dueAt()), p));
            }
        }
    }

    /** The profile join's keyed state: profile, suppression and the requests waiting for their decision. */
    public static final class Contacts extends KeyedStateReaderFunction<String, ContactRow> {
        private transient ValueState<UserProfile> profile;
        private transient ValueState<Suppression> suppression;
        private transient MapState<Long, List<EmailRequest>> waiting;

        @Override
        public void open(OpenContext ctx) {
            profile = getRuntimeContext().getState(ProfileJoinFunction.profileDescriptor());
            suppression = getRuntimeContext().getState(ProfileJoinFunction.suppressionDescriptor());
            waiting = getRuntimeContext().getMapState(ProfileJoinFunction.waitingDescriptor());
        }

        @Override
        public void readKey(String user, Context ctx, Collector<ContactRow> out) throws Exception {
            int n = 0;
            boolean timers = true;
            for (Map.Entry<Long, List<EmailRequest>> e : waiting.entries()) {
                n += e.getValue().size();
                timers &= ctx.registeredEventTimeTimers().contains(e.getKey());
            }
            if (profile.value() != null || suppression.value() != null || n > 0) {
                out.collect(new ContactRow(user, profile.value(), suppression.value(), n, timers));
            }
        }
    }

    /** The guardrails' keyed state: the send log and the deferred requests with their timers. */
    public static final class Guardrails extends KeyedStateReaderFunction<String, GuardrailRow> {
        private transient ValueState<SendLog> log;
        private transient MapState<String, Deferred> deferred;

        @Override
        public void open(OpenContext ctx) {
            log = getRuntimeContext().getState(GuardrailFunction.sendLogDescriptor());
            deferred = getRuntimeContext().getMapState(GuardrailFunction.deferredDescriptor());
        }

        @Override
        public void readKey(String user, Context ctx, Collector<GuardrailRow> out) throws Exception {
            List<DeferredRow> rows = new ArrayList<>();
            for (Map.Entry<String, Deferred> e : deferred.entries()) {
                long until = e.getValue().until();
                rows.add(new DeferredRow(
                        e.getKey(), until, ctx.registeredEventTimeTimers().contains(until), e.getValue()));
            }
            SendLog l = log.value();
            List<SentEntry> sent = l == null ? List.of() : List.copyOf(l.entries());
            if (!sent.isEmpty() || !rows.isEmpty()) {
                out.collect(new GuardrailRow(user, sent, rows));
            }
        }
    }

    public static final class Histories extends KeyedStateReaderFunction<String, HistoryRow> {
        private transient ValueState<UserHistory> history;

        @Override
        public void open(OpenContext ctx) {
            ValueStateDescriptor<UserHistory> d = FeatureFunction.historyDescriptor();
            readingTtl(d);
            history = getRuntimeContext().getState(d);
        }

        @Override
        public void readKey(String user, Context ctx, Collector<HistoryRow> out) throws Exception {
            if (history.value() != null) {
                out.collect(new HistoryRow(user, history.value()));
            }
        }
    }

    /** The k-means trainer's current model (keyed by the one global key). */
    public static final class KMeans extends KeyedStateReaderFunction<Integer, KMeansModel> {
        private transient ValueState<KMeansModel> model;

        @Override
        public void open(OpenContext ctx) {
            model = getRuntimeContext().getState(KMeansTrainer.modelDescriptor());
        }

        @Override
        public void readKey(Integer key, Context ctx, Collector<KMeansModel> out) throws Exception {
            if (model.value() != null) {
                out.collect(model.value());
            }
        }
    }
}
