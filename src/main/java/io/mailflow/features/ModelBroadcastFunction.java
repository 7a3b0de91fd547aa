package io.mailflow.features;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Applies the latest broadcast model of type {@code M} to every {@link UserFeatures}, the way Flink
 * ML's predictors do: models arrive on a broadcast stream and live in broadcast state (so every
 * parallel instance holds the same model and it survives a restore), features that arrive before
 * the first model are buffered, and every output is stamped with the version of the model that
 * produced it. A gauge (named by the subclass) exposes the version of the model in use.
 *
 * <p>Only a strictly newer version replaces the current model, so a duplicate or reordered model
 * never rolls the scorer back; the model is compiled again whenever the state holds a version other
 * than the compiled one, which also covers restores (FLINK-36653: Flink ML's predictor once kept
 * serving its first model forever).
 *
 * <p>The buffer keeps only the latest features per user (keyed state), since an output for an
 * outdated snapshot would be superseded at once; it is emptied when the first model arrives.
 */
public abstract class ModelBroadcastFunction<M, C, OUT>
        extends KeyedBroadcastProcessFunction<String, UserFeatures, M, OUT> {
    private static final long serialVersionUID = 1L;
    private static final String CURRENT = "current";

    private final MapStateDescriptor<String, M> modelDescriptor;
    private final ValueStateDescriptor<UserFeatures> bufferDescriptor;
    private final String versionGauge;
    private transient ValueState<UserFeatures> buffer;
    private transient Counter buffered;
    private transient C compiled;
    private transient long compiledVersion;

    protected ModelBroadcastFunction(MapStateDescriptor<String, M> modelDescriptor, String versionGauge) {
        this.modelDescriptor = modelDescriptor;
        this.bufferDescriptor = new ValueStateDescriptor<>(versionGauge + "-buffer", UserFeatures.class);
        this.versionGauge = versionGauge;
    }

    /** The version of a model. */
    protected abstract long version(M model);

    /** Turns a model into whatever is fastest to apply (built once per version). */
    protected abstract C compile(M model);

    /** Whether this function serves {@code features} at all (all by default); a refused one is neither buffered. */
    protected boolean accepts(UserFeatures features) {
        return true;
    }

    /** The output for one user's features under a compiled model of version {@code version}. */
    protected abstract OUT apply(C compiled, long version, UserFeatures features);

    @Override
    public void open(OpenContext ctx) {
        buffer = getRuntimeContext().getState(bufferDescriptor);
        buffered = getRuntimeContext().getMetricGroup().counter(versionGauge + "Buffered");
        compiledVersion = -1;
        getRuntimeContext().getMetricGroup().gauge(versionGauge, () -> compiledVersion);
    }

    @Override
    public void processElement(UserFeatures features, ReadOnlyContext ctx, Collector<OUT> out) throws Exception {
        if (!accepts(features)) {
            return;
        }
        M model = ctx.getBroadcastState(modelDescriptor).get(CURRENT);
        if (model == null) {
            UserFeatures previous = buffer.value();
            if (previous == null || previous.asOf() <= features.asOf()) {
                buffer.update(features);
            }
            buffered.inc();
            return;
        }
        out.collect(apply(compiledFor(model), version(model), features));
    }

    @Override
    public void processBroadcastElement(M model, Context ctx, Collector<OUT> out) throws Exception {
        M current = ctx.getBroadcastState(modelDescriptor).get(CURRENT);
        if (current != null && version(current) >= version(model)) {
            return;
        }
        ctx.getBroadcastState(modelDescriptor).put(CURRENT, model);
        C fresh = compiledFor(model);
        if (current == null) {
            ctx.applyToKeyedState(bufferDescriptor, (key, state) -> {
                UserFeatures waiting = state.value();
                if (waiting != null) {
                    out.collect(apply(fresh, version(model), waiting));
                    state.clear();
                }
            });
        }
    }

    private C compiledFor(M model) {
        if (compiled == null || compiledVersion != version(model)) {
            compiled = compile(model);
            compiledVersion = version(model);
        }
        return compiled;
    }

    /** For tests: the version of the model currently compiled (what the gauge reports), -1 before any. */
    public long currentVersion() {
        return compiledVersion;
    }
}
