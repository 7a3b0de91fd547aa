package io.mailflow.tools.ops;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Descriptors;
import io.mailflow.campaigns.Pending;
import io.mailflow.campaigns.UserFacts;
import io.mailflow.common.Uids;
import io.mailflow.model.Suppression;
import io.mailflow.model.UserProfile;
import io.mailflow.profiles.ProfileJoinFunction;
import io.mailflow.recommendations.RecoList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

/**
 * One user as a savepoint holds them, read with the State Processor API: the profile and any suppression (profile
 * join), the facts the campaigns decide on (segment, score, features, latest session's items, zone), the items
 * bought and the pending triggers with their carts (trigger operator), and the job-wide campaigns and
 * recommendation model (the trigger operator's broadcast state). The readers use the operators' own descriptors.
 * {@code profile} holds an e-mail address: never print it.
 */
public record UserSnapshot(
        String userId,
        UserProfile profile,
        Suppression suppression,
        UserFacts facts,
        List<String> purchased,
        List<Pending> pending,
        Map<String, CampaignDefinition> campaigns,
        Map<String, RecoList> recommendations) {

    /** The trigger operator's keyed state of one user. */
    public record TriggerRow(String userId, UserFacts facts, List<String> purchased, List<Pending> pending) {}

    /** The profile join's keyed state of one user. */
    public record ContactRow(String userId, UserProfile profile, Suppression suppression) {}

    /**
     * Reads one user. Each state is read by its own small job with {@code executeAndCollect}, which drains the
     * results while the job runs (several {@code collectAsync} iterators drained after {@code execute} can lose
     * the rows of a job that ends before they fetch them).
     */
    public static UserSnapshot read(String path, String userId) throws Exception {
        Set<OperatorID> present = new HashSet<>();
        SavepointLoader.loadSavepointMetadata(path).getOperatorStates().forEach(o -> present.add(o.getOperatorID()));
        OperatorIdentifier join = OperatorIdentifier.forUid(Uids.PROFILE_JOIN);
        OperatorIdentifier triggers = OperatorIdentifier.forUid(Uids.CAMPAIGN_TRIGGERS);
        ContactRow c = null;
        TriggerRow t = null;
        Map<String, CampaignDefinition> campaigns = new HashMap<>();
        Map<String, RecoList> recos = new HashMap<>();
        if (present.contains(join.getOperatorId())) {
            c = first(collect(reader(path)
                    .readKeyedState(join, new Contacts(userId))
                    .filter(r -> r.userId().equals(userId))));
        }
        if (present.contains(triggers.getOperatorId())) {
            t = first(collect(reader(path)
                    .readKeyedState(triggers, new Triggers(userId))
                    .filter(r -> r.userId().equals(userId))));
            campaigns = map(collect(reader(path)
                    .readBroadcastState(
                            triggers,
                            Descriptors.CAMPAIGNS.getName(),
                            Types.STRING,
                            Types.POJO(CampaignDefinition.class))));
            recos = map(collect(reader(path)
                    .readBroadcastState(
                            triggers,
                            Descriptors.RECOMMENDATIONS.getName(),
                            Types.STRING,
                            Types.POJO(RecoList.class))));
        }
        return new UserSnapshot(
                userId,
                c == null ? null : c.profile(),
                c == null ? null : c.suppression(),
                t == null ? null : t.facts(),
                t == null ? List.of() : t.purchased(),
                t == null ? List.of() : t.pending(),
                campaigns,
                recos);
    }

    private static SavepointReader reader(String path) throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        return SavepointReader.read(env, path);
    }

    private static <T> List<T> collect(DataStream<T> stream) throws Exception {
        List<T> out = new ArrayList<>();
        try (CloseableIterator<T> it = stream.executeAndCollect("read one user from a savepoint")) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    /** Reads the profile join's state of one user only (the others are skipped as they stream by). */
    static final class Contacts extends KeyedStateReaderFunction<String, ContactRow> {
        private final String user;
        private transient ValueState<UserProfile> profile;
        private transient ValueState<Suppression> suppression;

        Contacts(String user) {
            this.user = user;
        }

        @Override
        public void open(OpenContext ctx) {
            profile = getRuntimeContext().getState(ProfileJoinFunction.profileDescriptor());
            suppression = getRuntimeContext().getState(ProfileJoinFunction.suppressionDescriptor());
        }

        @Override
        public void readKey(String key, Context ctx, Collector<ContactRow> out) throws Exception {
            // one row for every key, the others empty: the input format ends the read at a key without a row
            out.collect(
                    key.equals(user)
                            ? new ContactRow(key, profile.value(), suppression.value())
                            : new ContactRow(key, null, null));
        }
    }

    /** Reads the trigger operator's state of one user only. */
    static final class Triggers extends KeyedStateReaderFunction<String, TriggerRow> {
        private final String user;
        private transient ValueState<UserFacts> facts;
        private transient MapState<String, Long> purchased;
        private transient MapState<String, Pending> pending;

        Triggers(String user) {
            this.user = user;
        }

        @Override
        public void open(OpenContext ctx) {
            facts = getRuntimeContext().getState(Descriptors.userFacts());
            purchased = getRuntimeContext().getMapState(Descriptors.purchasedItems());
            pending = getRuntimeContext().getMapState(Descriptors.pendingTriggers());
        }

        @Override
        public void readKey(String key, Context ctx, Collector<TriggerRow> out) throws Exception {
            if (!key.equals(user)) {
                out.collect(new TriggerRow(key, null, List.of(), List.of())); // see Contacts#readKey
                return;
            }
            List<String> items = new ArrayList<>();
            purchased.keys().forEach(items::add);
            List<Pending> waiting = new ArrayList<>();
            pending.values().forEach(waiting::add);
            out.collect(new TriggerRow(key, facts.value(), items, waiting));
        }
    }

    private static <T> T first(List<T> l) {
        return l.isEmpty() ? null : l.get(0);
    }

    private static <V> Map<String, V> map(List<Tuple2<String, V>> entries) {
        Map<String, V> out = new HashMap<>();
        entries.forEach(e -> out.put(e.f0, e.f1));
        return out;
    }
}
