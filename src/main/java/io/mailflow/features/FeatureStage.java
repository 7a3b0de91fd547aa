package io.mailflow.features;

import io.mailflow.common.Uids;
import io.mailflow.model.SessionSummary;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Features: closed sessions (keyed by user) + erasures -> one standardized feature snapshot per session, plus, with
 * {@code features.idle-snapshot-after}, idle snapshots of users who stay away ({@link SnapshotKind#IDLE}).
 */
public final class FeatureStage {
    private FeatureStage() {}

    /** As {@link #attach(DataStream, DataStream, DataStream, FeatureSettings)} without e-mail signals. */
    public static SingleOutputStreamOperator<UserFeatures> attach(
            DataStream<SessionSummary> sessions, DataStream<String> erasures, FeatureSettings settings) {
        return attach(sessions, erasures, null, settings);
    }

    /**
     * @param sessions closed session summaries, with event-time timestamps and watermarks
     * @param erasures ids of users erased on request: their feature history is forgotten
     * @param email e-mail engagement signals (delivered, opened, clicked, unsubscribed); null for none
     * @return every user's feature snapshot, on the subtask that owns the user
     */
    public static SingleOutputStreamOperator<UserFeatures> attach(
            DataStream<SessionSummary> sessions,
            DataStream<String> erasures,
            DataStream<FeatureSignal> email,
            FeatureSettings settings) {
        DataStream<FeatureSignal> signals =
                erasures.map(FeatureSignal::erased).uid(Uids.FEATURE_ERASURES).name("erasures as feature signals");
        if (email != null) {
            signals = signals.union(email);
        }
        return sessions.keyBy(SessionSummary::userId)
                .connect(signals.keyBy(FeatureSignal::userId, Types.STRING))
                .process(new FeatureFunction(
                        new FeatureExtractor(settings.decayHalfLife(), settings.maxCategories()),
                        settings.ttl(),
                        settings.idleSchedule()))
                .uid(Uids.FEATURES)
                .name("user features");
    }
}
