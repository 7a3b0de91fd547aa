package io.mailflow.segmentation;

import io.mailflow.common.Uids;
import io.mailflow.features.UserFeatures;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Segmentation: feature snapshots -> streaming k-means trainer (parallelism 1, the one global model)
 * --broadcast--> segment assigner (per user) -> segment assignments.
 */
public final class SegmentationStage {
    private SegmentationStage() {}

    /**
     * @param models every k-means model version
     * @param segments segment of every snapshot, stamped with the model version
     */
    public record Outputs(
            SingleOutputStreamOperator<KMeansModel> models, SingleOutputStreamOperator<SegmentAssignment> segments) {}

    /**
     * @param features feature snapshots
     * @param byUser the same snapshots seen as keyed by user
     */
    public static Outputs attach(
            DataStream<UserFeatures> features,
            KeyedStream<UserFeatures, String> byUser,
            SegmentationSettings settings) {
        KMeansTrainer trainer = settings.refit()
                ? new KMeansTrainer(
                        new KMeansRefit(
                                settings.k(),
                                settings.restarts(),
                                Math.max(settings.k(), settings.restartSampleSize())),
                        settings.batchSize(),
                        settings.batchMaxWait(),
                        settings.lateness(),
                        settings.seed(),
                        Math.max(settings.k(), settings.sampleSize()),
                        settings.sampleMaxAge())
                : new KMeansTrainer(
                        new StreamingKMeans(settings.k(), StreamingKMeans.decayFromHalfLife(settings.decayHalfLife())),
                        settings.batchSize(),
                        settings.batchMaxWait(),
                        settings.lateness(),
                        settings.seed());
        SingleOutputStreamOperator<KMeansModel> models = features.keyBy(f -> KMeansTrainer.GLOBAL_KEY, Types.INT)
                .process(trainer)
                .setParallelism(1)
                .uid(Uids.KMEANS_TRAINER)
                .name("k-means trainer");
        SingleOutputStreamOperator<SegmentAssignment> segments = byUser.connect(models.broadcast(KMeansAssigner.MODEL))
                .process(new KMeansAssigner())
                .uid(Uids.KMEANS_ASSIGNER)
                .name("segment assignment");
        return new Outputs(models, segments);
    }
}
