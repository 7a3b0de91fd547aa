package io.mailflow.job;

import io.mailflow.model.RawRecord;
import org.apache.flink.api.connector.source.Source;

/**
 * The topology's inputs as raw records: Kafka in production, bounded sources in tests.
 *
 * @param campaigns campaign definitions (the compacted control topic)
 * @param catalog the product catalog (compacted, keyed by item id), or null when no catalog is configured
 * @param variantTotals the global bandit's variant totals as the job wrote them (compacted, {@code
 *     topic.variant-stats}), or null for the per-instance bandit
 * @param upliftModels the campaigns' uplift models as the job wrote them (compacted, {@code topic.uplift-models}),
 *     or null without uplift learning
 */
public record MailflowSources(
        Source<RawRecord, ?, ?> events,
        Source<RawRecord, ?, ?> profiles,
        Source<RawRecord, ?, ?> suppressions,
        Source<RawRecord, ?, ?> engagement,
        Source<RawRecord, ?, ?> campaigns,
        Source<RawRecord, ?, ?> catalog,
        Source<RawRecord, ?, ?> variantTotals,
        Source<RawRecord, ?, ?> upliftModels) {

    /** The inputs without uplift learning. */
    public MailflowSources(
            Source<RawRecord, ?, ?> events,
            Source<RawRecord, ?, ?> profiles,
            Source<RawRecord, ?, ?> suppressions,
            Source<RawRecord, ?, ?> engagement,
            Source<RawRecord, ?, ?> campaigns,
            Source<RawRecord, ?, ?> catalog,
            Source<RawRecord, ?, ?> variantTotals) {
        this(events, profiles, suppressions, engagement, campaigns, catalog, variantTotals, null);
    }

    /** The inputs with the per-instance bandit. */
    public MailflowSources(
            Source<RawRecord, ?, ?> events,
            Source<RawRecord, ?, ?> profiles,
            Source<RawRecord, ?, ?> suppressions,
            Source<RawRecord, ?, ?> engagement,
            Source<RawRecord, ?, ?> campaigns,
            Source<RawRecord, ?, ?> catalog) {
        this(events, profiles, suppressions, engagement, campaigns, catalog, null);
    }

    /** The inputs without a catalog. */
    public MailflowSources(
            Source<RawRecord, ?, ?> events,
            Source<RawRecord, ?, ?> profiles,
            Source<RawRecord, ?, ?> suppressions,
            Source<RawRecord, ?, ?> engagement,
            Source<RawRecord, ?, ?> campaigns) {
        this(events, profiles, suppressions, engagement, campaigns, null);
    }
}
