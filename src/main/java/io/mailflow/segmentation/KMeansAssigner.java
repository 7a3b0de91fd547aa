package io.mailflow.segmentation;

import io.mailflow.features.ModelBroadcastFunction;
import io.mailflow.features.UserFeatures;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * Assigns each user's standardized features to the nearest segment of the latest broadcast
 * {@link KMeansModel}; runs at full parallelism, keyed by user. Gauge: {@value #VERSION_GAUGE}.
 */
public final class KMeansAssigner extends ModelBroadcastFunction<KMeansModel, NearestCentroid, SegmentAssignment> {
    private static final long serialVersionUID = 1L;
    public static final String VERSION_GAUGE = "kmeansModelVersion";
    /** Broadcast state holding the current model; also the descriptor of the broadcast stream. */
    public static final MapStateDescriptor<String, KMeansModel> MODEL =
            new MapStateDescriptor<>("kmeans-model", Types.STRING, Types.POJO(KMeansModel.class));

    public KMeansAssigner() {
        super(MODEL, VERSION_GAUGE);
    }

    @Override
    protected long version(KMeansModel model) {
        return model.version();
    }

    /** A user's segment moves with their sessions only, never with an idle snapshot's aged counts. */
    @Override
    protected boolean accepts(UserFeatures features) {
        return !features.idle();
    }

    @Override
    protected NearestCentroid compile(KMeansModel model) {
        return new NearestCentroid(model.centroids());
    }

    @Override
    protected SegmentAssignment apply(NearestCentroid nearest, long version, UserFeatures features) {
        int segment = nearest.nearest(features.standardized());
        return new SegmentAssignment(
                features.userId(),
                segment,
                version,
                nearest.distance(segment, features.standardized()),
                features.asOf());
    }
}
