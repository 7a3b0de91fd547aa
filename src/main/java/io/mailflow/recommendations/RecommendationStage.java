package io.mailflow.recommendations;

import io.mailflow.common.Uids;
import io.mailflow.model.SessionSummary;
import io.mailflow.segmentation.SegmentAssignment;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The recommendation model: sessions + segments -> segment activity (per user) -> trainer (parallelism 1:
 * item co-occurrence, segment and popular items) -> published lists, which the trigger operator receives
 * by broadcast.
 */
public final class RecommendationStage {
    private RecommendationStage() {}

    /** @return every published list of the recommendation model */
    public static SingleOutputStreamOperator<RecoList> attach(
            DataStream<SessionSummary> sessions,
            DataStream<SegmentAssignment> segments,
            RecommendationSettings settings) {
        SingleOutputStreamOperator<SegmentItems> segmentItems = sessions.connect(segments)
                .keyBy(SessionSummary::userId, a -> a.userId(), Types.STRING)
                .process(new SegmentActivityFunction(settings.maxSessionItems()))
                .uid(Uids.SEGMENT_ACTIVITY)
                .name("segment activity");
        return sessions.connect(segmentItems)
                .keyBy(s -> RecommendationTrainer.GLOBAL_KEY, s -> RecommendationTrainer.GLOBAL_KEY, Types.INT)
                .process(new RecommendationTrainer(
                        new CoOccurrence(settings.halfLife().toMillis(), settings.maxCandidates()),
                        settings.sessionKnn(),
                        settings.neighbours(),
                        3 * settings.maxSessionItems(),
                        settings.publishInterval().toMillis(),
                        settings.maxItems()))
                .setParallelism(1)
                .uid(Uids.RECOMMENDATION_TRAINER)
                .name("recommendation trainer (co-occurrence, session-kNN, segment and popular items)");
    }
}
