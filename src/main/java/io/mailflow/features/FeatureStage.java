package io.mailflow.features;

import io.mailflow.common.Uids;
import io.mailflow.model.SessionSummary;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** Features: closed sessions (keyed by user) + erasures -> one standardized feature snapshot per session. */
public final class FeatureStage {
    private FeatureStage() {}

    /**
     * @param sessions closed session summaries, with event-time timestamps and watermarks
     * @param erasures ids of users erased on request: their feature history is forgotten
     * @return every user's feature snapshot, on the subtask that owns the user
     */
    public static SingleOutputStreamOperator<UserFeatures> attach(
            DataStream<SessionSummary> sessions, DataStream<String> erasures, FeatureSettings settings) {
        return sessions.keyBy(SessionSummary::userId)
                .connect(erasures.keyBy(u -> u, Types.STRING))
                .process(new FeatureFunction(
                        new FeatureExtractor(settings.decayHalfLife(), settings.maxCategories()), settings.ttl()))
                .uid(Uids.FEATURES)
                .name("user features");
    }
}
