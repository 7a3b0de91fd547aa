package io.mailflow.models;

import io.mailflow.common.Uids;
import io.mailflow.features.FeatureSignal;
import io.mailflow.features.FeatureStage;
import io.mailflow.features.UserFeatures;
import io.mailflow.model.Event;
import io.mailflow.model.SessionSummary;
import io.mailflow.scoring.ScoringStage;
import io.mailflow.segmentation.SegmentationStage;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The models' data flow: features, then segments and propensity from the same snapshots.
 *
 * <pre>
 * sessions (+ e-mail engagement signals, erasures) -> features (keyed by user) -+-> k-means trainer (p=1) --broadcast--> segment assigner -> segments
 *                                       +----------------------------------------> segment assigner
 *                                       +-> labeller (+ purchases) -> FTRL trainer (p=1) --broadcast--> scorer -> scores
 *                                       +----------------------------------------------------------------> scorer
 * </pre>
 *
 * Trainers run at parallelism 1 because each holds the one global model; everything per user runs at the
 * job's parallelism. The job, the model evaluation and the bootstrap tool all wire the models through here.
 */
public final class ModelStage {
    private ModelStage() {}

    /** As {@link #attach(DataStream, DataStream, DataStream, ModelSettings)} for callers without a contact topic. */
    public static ModelOutputs attach(
            DataStream<SessionSummary> sessions, DataStream<Event> purchases, ModelSettings settings) {
        return attach(sessions, purchases, noErasures(sessions), settings);
    }

    /** As {@link #attach(DataStream, DataStream, DataStream, DataStream, ModelSettings)} without e-mail signals. */
    public static ModelOutputs attach(
            DataStream<SessionSummary> sessions,
            DataStream<Event> purchases,
            DataStream<String> erasures,
            ModelSettings settings) {
        return attach(sessions, purchases, erasures, null, settings);
    }

    /**
     * @param sessions closed session summaries, with event-time timestamps and watermarks
     * @param purchases purchase events, with event-time timestamps and watermarks
     * @param erasures ids of users erased on request: their feature history is forgotten
     * @param email e-mail engagement signals for the propensity model's features; null for none
     */
    public static ModelOutputs attach(
            DataStream<SessionSummary> sessions,
            DataStream<Event> purchases,
            DataStream<String> erasures,
            DataStream<FeatureSignal> email,
            ModelSettings settings) {
        SingleOutputStreamOperator<UserFeatures> features =
                FeatureStage.attach(sessions, erasures, email, settings.features());
        // Features leave the operator on the subtask that owns their user, so the per-user consumers
        // below can reuse that partitioning instead of shuffling every snapshot three more times.
        KeyedStream<UserFeatures, String> byUser =
                DataStreamUtils.reinterpretAsKeyedStream(features, UserFeatures::userId);
        SegmentationStage.Outputs segments = SegmentationStage.attach(features, byUser, settings.segmentation());
        ScoringStage.Outputs propensity = ScoringStage.attach(byUser, purchases, settings.scoring());
        return new ModelOutputs(
                features,
                segments.segments(),
                segments.models(),
                propensity.examples(),
                propensity.models(),
                propensity.scores(),
                propensity.validation());
    }

    /** An empty stream of erasures, for callers (tests, tools) without a contact topic. */
    private static DataStream<String> noErasures(DataStream<SessionSummary> sessions) {
        return sessions.filter(s -> false)
                .uid(Uids.FEATURES + "-no-erasures")
                .name("no erasures")
                .map(SessionSummary::userId)
                .uid(Uids.FEATURES + "-no-erasures-ids")
                .name("no erasures");
    }
}
