package io.mailflow.tools.ops;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Descriptors;
import io.mailflow.common.Uids;
import io.mailflow.features.StandardizerState;
import io.mailflow.model.Suppression;
import io.mailflow.model.UserProfile;
import io.mailflow.scoring.FtrlState;
import io.mailflow.scoring.LogRegModel;
import io.mailflow.scoring.PropensityScorer;
import io.mailflow.segmentation.KMeansAssigner;
import io.mailflow.segmentation.KMeansModel;
import io.mailflow.tools.ops.StateReaders.ContactRow;
import io.mailflow.tools.ops.StateReaders.GuardrailRow;
import io.mailflow.tools.ops.StateReaders.HistoryRow;
import io.mailflow.tools.ops.StateReaders.PendingTriggerRow;
import io.mailflow.tools.ops.StateReaders.SeenIds;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Everything Mailflow keeps in a savepoint, read with the State Processor API in one local job.
 * Operators absent from the savepoint (e.g. a bootstrapped one holding only models) read as empty.
 *
 * @param contacts the profile join's state per user: profile, suppression, requests waiting
 * @param seenIds the de-duplication ids per user
 * @param pendingTriggers campaign triggers waiting for their delay, with their timers
 * @param campaigns campaign definitions in the trigger engine's broadcast state (published on the
 *     control topic; those of {@code campaigns.file} are not state)
 * @param guardrails the guardrails' send logs and deferred requests per user
 * @param kmeansTrainer the k-means trainer's model (null if none)
 * @param kmeansServing the model in the segment assigners' broadcast state (null if none)
 * @param propensityServing the model in the scorers' broadcast state (null if none)
 * @param ftrl the propensity trainer's accumulators (null if none)
 */
public record SavepointContents(
        List<ContactRow> contacts,
        List<SeenIds> seenIds,
        List<PendingTriggerRow> pendingTriggers,
        List<CampaignDefinition> campaigns,
        List<GuardrailRow> guardrails,
        List<HistoryRow> histories,
        List<StandardizerState> standardizers,
        KMeansModel kmeansTrainer,
        KMeansModel kmeansServing,
        LogRegModel propensityServing,
        FtrlState ftrl) {

    /** Reads the savepoint (or retained checkpoint) at {@code path}: a directory or a {@code file://} URI. */
    public static SavepointContents read(String path) throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        SavepointReader sp = SavepointReader.read(env, path);
        Set<OperatorID> present = new HashSet<>();
        SavepointLoader.loadSavepointMetadata(path).getOperatorStates().forEach(o -> present.add(o.getOperatorID()));
        Reads r = new Reads();
        if (present.contains(id(Uids.PROFILE_JOIN))) {
            r.contacts = sp.readKeyedState(OperatorIdentifier.forUid(Uids.PROFILE_JOIN), new StateReaders.Contacts())
                    .collectAsync();
        }
        if (present.contains(id(Uids.DEDUPLICATE))) {
            r.seen = sp.readKeyedState(OperatorIdentifier.forUid(Uids.DEDUPLICATE), new StateReaders.Dedup())
                    .collectAsync();
        }
        if (present.contains(id(Uids.CAMPAIGN_TRIGGERS))) {
            r.carts = sp.readKeyedState(
                            OperatorIdentifier.forUid(Uids.CAMPAIGN_TRIGGERS), new StateReaders.PendingTriggers())
                    .collectAsync();
            r.campaigns = sp.readBroadcastState(
                            OperatorIdentifier.forUid(Uids.CAMPAIGN_TRIGGERS),
                            Descriptors.CAMPAIGNS.getName(),
                            Types.STRING,
                            Types.POJO(CampaignDefinition.class))
                    .collectAsync();
        }
        if (present.contains(id(Uids.GUARDRAILS))) {
            r.guardrails = sp.readKeyedState(OperatorIdentifier.forUid(Uids.GUARDRAILS), new StateReaders.Guardrails())
                    .collectAsync();
        }
        if (present.contains(id(Uids.FEATURES))) {
            r.histories = sp.readKeyedState(OperatorIdentifier.forUid(Uids.FEATURES), new StateReaders.Histories())
                    .collectAsync();
            r.standardizers = sp.readListState(
                            OperatorIdentifier.forUid(Uids.FEATURES),
                            "feature-standardizer",
                            Types.POJO(StandardizerState.class))
                    .collectAsync();
        }
        if (present.contains(id(Uids.KMEANS_TRAINER))) {
            r.kmeans = sp.readKeyedState(OperatorIdentifier.forUid(Uids.KMEANS_TRAINER), new StateReaders.KMeans())
                    .collectAsync();
        }
        if (present.contains(id(Uids.KMEANS_ASSIGNER))) {
            r.kmeansServing = sp.readBroadcastState(
                            OperatorIdentifier.forUid(Uids.KMEANS_ASSIGNER),
                            KMeansAssigner.MODEL.getName(),
                            Types.STRING,
                            Types.POJO(KMeansModel.class))
                    .collectAsync();
        }
        if (present.contains(id(Uids.PROPENSITY_SCORER))) {
            r.propensityServing = sp.readBroadcastState(
                            OperatorIdentifier.forUid(Uids.PROPENSITY_SCORER),
                            PropensityScorer.MODEL.getName(),
                            Types.STRING,
                            Types.POJO(LogRegModel.class))
                    .collectAsync();
        }
        if (present.contains(id(Uids.FTRL_TRAINER))) {
            r.ftrl = sp.readListState(
                            OperatorIdentifier.forUid(Uids.FTRL_TRAINER), "ftrl-state", Types.POJO(FtrlState.class))
                    .collectAsync();
        }
        env.execute("read savepoint " + path);
        return new SavepointContents(
                drain(r.contacts),
                drain(r.seen),
                drain(r.carts),
                values(drain(r.campaigns)),
                drain(r.guardrails),
                drain(r.histories),
                drain(r.standardizers),
                first(drain(r.kmeans)),
                first(values(drain(r.kmeansServing))),
                first(values(drain(r.propensityServing))),
                first(drain(r.ftrl)));
    }

    /** The users' profiles in the profile join. */
    public List<UserProfile> profiles() {
        return contacts.stream()
                .map(ContactRow::profile)
                .filter(java.util.Objects::nonNull)
                .toList();
    }

    /** The suppressions in the profile join (bounced, complained, unsubscribed, erased users). */
    public List<Suppression> suppressions() {
        return contacts.stream()
                .map(ContactRow::suppression)
                .filter(java.util.Objects::nonNull)
                .toList();
    }

    /** The open iterators of one read. */
    private static final class Reads {
        CloseableIterator<ContactRow> contacts;
        CloseableIterator<SeenIds> seen;
        CloseableIterator<PendingTriggerRow> carts;
        CloseableIterator<Tuple2<String, CampaignDefinition>> campaigns;
        CloseableIterator<GuardrailRow> guardrails;
        CloseableIterator<HistoryRow> histories;
        CloseableIterator<StandardizerState> standardizers;
        CloseableIterator<KMeansModel> kmeans;
        CloseableIterator<Tuple2<String, KMeansModel>> kmeansServing;
        CloseableIterator<Tuple2<String, LogRegModel>> propensityServing;
        CloseableIterator<FtrlState> ftrl;
    }

    private static OperatorID id(String uid) {
        return OperatorIdentifier.forUid(uid).getOperatorId();
    }

    /** Everything an iterator yields; nothing for an operator the savepoint does not have. */
    private static <T> List<T> drain(CloseableIterator<T> it) throws Exception {
        List<T> out = new ArrayList<>();
        if (it == null) {
            return out;
        }
        try (it) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    private static <V> List<V> values(List<Tuple2<String, V>> entries) {
        return entries.stream().map(e -> e.f1).toList();
    }

    private static <T> T first(List<T> list) {
        return list.isEmpty() ? null : list.get(0);
    }
}
