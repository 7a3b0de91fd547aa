package io.mailflow.scoring;

import io.mailflow.features.ModelBroadcastFunction;
import io.mailflow.features.UserFeatures;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * Scores each user's features (standardized for a linear model, raw for a binned one) with the latest broadcast
 * {@link LogRegModel} through
 * Flink ML's servable ({@link PropensityModel}); runs at full parallelism, keyed by user. Gauge:
 * {@value #VERSION_GAUGE}.
 */
public final class PropensityScorer extends ModelBroadcastFunction<LogRegModel, PropensityModel, PropensityScore> {
    private static final long serialVersionUID = 1L;
    public static final String VERSION_GAUGE = "propensityModelVersion";
    /** Broadcast state holding the current model; also the descriptor of the broadcast stream. */
    public static final MapStateDescriptor<String, LogRegModel> MODEL =
            new MapStateDescriptor<>("propensity-model", Types.STRING, Types.POJO(LogRegModel.class));

    public PropensityScorer() {
        super(MODEL, VERSION_GAUGE);
    }

    @Override
    protected long version(LogRegModel model) {
        return model.version();
    }

    @Override
    protected PropensityModel compile(LogRegModel model) {
        return PropensityModel.load(model);
    }

    @Override
    protected PropensityScore apply(PropensityModel model, long version, UserFeatures features) {
        // an idle snapshot is scored like a session's, and its score says so (it is served, never validated)
        return new PropensityScore(
                features.userId(), probability(model.score(features)), version, features.asOf(), features.kind());
    }

    /** A score as a probability: always in [0, 1], NaN (which no guarded model produces) as 0.5. */
    static double probability(double p) {
        return Double.isNaN(p) ? 0.5 : Math.max(0.0, Math.min(1.0, p));
    }
}
