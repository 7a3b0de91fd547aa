package io.mailflow.job;

import io.mailflow.model.RawRecord;
import org.apache.flink.api.connector.source.Source;

/**
 * The topology's inputs as raw records: Kafka in production, bounded sources in tests.
 *
 * @param campaigns campaign definitions (the compacted control topic)
 */
public record MailflowSources(
        Source<RawRecord, ?, ?> events,
        Source<RawRecord, ?, ?> profiles,
        Source<RawRecord, ?, ?> suppressions,
        Source<RawRecord, ?, ?> engagement,
        Source<RawRecord, ?, ?> campaigns) {}
