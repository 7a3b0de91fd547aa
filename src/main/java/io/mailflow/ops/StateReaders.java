package io.mailflow.ops;

import io.mailflow.campaigns.Pending;
import io.mailflow.features.UserHistory;
import io.mailflow.model.UserProfile;
import io.mailflow.segmentation.KMeansModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
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

    /** One user's de-duplication ids ({@code DeduplicateFunction}, uid {@code deduplicate-events}). */
    public record SeenIds(String userId, int count) {}

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

        @Override
        public void open(OpenContext ctx) {
            seen = getRuntimeContext().getMapState(new MapStateDescriptor<>("event-ids", Types.STRING, Types.LONG));
        }

        @Override
        public void readKey(String user, Context ctx, Collector<SeenIds> out) throws Exception {
            int n = 0;
            for (String ignored : seen.keys()) {
                n++;
            }
            out.collect(new SeenIds(user, n));
        }
    }

    public static final class PendingTriggers extends KeyedStateReaderFunction<String, PendingTriggerRow> {
        private transient MapState<String, Pending> pending;

        @Override
        public void open(OpenContext ctx) {
            pending = getRuntimeContext().getMapState(
                    new MapStateDescriptor<>("pending-triggers", Types.STRING, TypeInformation.of(Pending.class)));
        }

        @Override
        public void readKey(String user, Context ctx, Collector<PendingTriggerRow> out) throws Exception {
            List<Pending> all = new ArrayList<>();
            pending.values().forEach(all::add);
            for (Pending p : all) {
                out.collect(new PendingTriggerRow(user, p.dueAt(), ctx.registeredEventTimeTimers().contains(p.dueAt()), p));
            }
        }
    }

    public static final class Profiles extends KeyedStateReaderFunction<String, UserProfile> {
        private transient ValueState<UserProfile> profile;

        @Override
        public void open(OpenContext ctx) {
            profile = getRuntimeContext().getState(new ValueStateDescriptor<>("profile", UserProfile.class));
        }

        @Override
        public void readKey(String user, Context ctx, Collector<UserProfile> out) throws Exception {
            if (profile.value() != null) {
                out.collect(profile.value());
            }
        }
    }

    public static final class Histories extends KeyedStateReaderFunction<String, HistoryRow> {
        private transient ValueState<UserHistory> history;

        @Override
        public void open(OpenContext ctx) {
            ValueStateDescriptor<UserHistory> d = new ValueStateDescriptor<>("user-history", UserHistory.class);
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
            model = getRuntimeContext().getState(new ValueStateDescriptor<>("kmeans-model", KMeansModel.class));
        }

        @Override
        public void readKey(Integer key, Context ctx, Collector<KMeansModel> out) throws Exception {
            if (model.value() != null) {
                out.collect(model.value());
            }
        }
    }
}
