package io.mailflow.feedback;

import io.mailflow.features.FeatureSignal;
import java.util.Optional;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Engagement events as the feature operator's signals: deliveries, opens by a person, clicks, unsubscribes and
 * complaints. Machine opens (prefetch, scanners) and bounces say nothing about the user's interest and are dropped.
 */
public final class EngagementSignals implements FlatMapFunction<FunnelEvent, FeatureSignal> {
    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(FunnelEvent e, Collector<FeatureSignal> out) {
        of(e).ifPresent(out::collect);
    }

    /** The signal of one engagement event, if it is one. */
    public static Optional<FeatureSignal> of(FunnelEvent e) {
        FeatureSignal.Kind kind = switch (e.kind()) {
            case DELIVERED -> FeatureSignal.Kind.EMAIL_DELIVERED;
            case OPENED -> FeatureSignal.Kind.EMAIL_OPENED;
            case CLICKED -> FeatureSignal.Kind.EMAIL_CLICKED;
            case UNSUBSCRIBED, COMPLAINED -> FeatureSignal.Kind.UNSUBSCRIBED;
            default -> null;
        };
        return kind == null || e.userId() == null
                ? Optional.empty()
                : Optional.of(new FeatureSignal(e.userId(), kind, e.at()));
    }
}
