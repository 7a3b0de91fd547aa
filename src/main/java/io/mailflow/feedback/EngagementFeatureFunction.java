package io.mailflow.feedback;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps each user's {@link EngagementFeatures} up to date from the attributed funnel events (which
 * arrive in event-time order per user) and emits them on every change. The state expires after
 * {@code features.ttl} without an update, like the behavioural features.
 */
public final class EngagementFeatureFunction extends KeyedProcessFunction<String, FunnelEvent, EngagementFeatures> {
    private static final long serialVersionUID = 1L;

    private final double halfLifeMs;
    private final Duration ttl;
    private transient ValueState<EngagementFeatures> features;

    public EngagementFeatureFunction(Duration halfLife, Duration ttl) {
        this.halfLifeMs = halfLife.toMillis();
        this.ttl = ttl;
    }

    @Override
    public void open(OpenContext ctx) {
        ValueStateDescriptor<EngagementFeatures> d =
                new ValueStateDescriptor<>("engagement-features", EngagementFeatures.class);
        d.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        features = getRuntimeContext().getState(d);
    }

    @Override
    public void processElement(FunnelEvent e, Context ctx, Collector<EngagementFeatures> out) throws Exception {
        if (!EngagementFeatures.relevant(e.kind()) || e.holdout()) {
            return; // a holdout's purchase is not an e-mail's conversion: the user got no e-mail
        }
        EngagementFeatures current = features.value();
        EngagementFeatures next =
                (current == null ? EngagementFeatures.empty(ctx.getCurrentKey()) : current).update(e, halfLifeMs);
        features.update(next);
        out.collect(next);
    }
}
