package io.mailflow.ingestion;

import io.mailflow.io.EventTimeEnd;
import io.mailflow.privacy.PseudonymSettings;
import java.io.Serializable;
import java.time.Duration;

/**
 * What the ingestion stage needs from the configuration.
 *
 * @param maxFutureSkew how far ahead of the wall clock an event's timestamp may be
 * @param maxAheadOfStream how far ahead of the later of the wall clock and the newest accepted event time an
 *     event may be (one event cannot push event time ahead; see docs/events.md, "Time window")
 * @param maxOutOfOrderness how late an event may arrive behind the newest one of its partition
 * @param idleness a partition without events for this long stops holding event time back (zero: never)
 * @param dedupTtl how long an event id is remembered for de-duplication
 * @param dedupMaxIds most event ids remembered per user (the oldest are forgotten first)
 * @param end where event time stops when a bounded input has been read (a replay)
 * @param pseudonyms whether and how the shop's user ids are replaced by pseudonyms when events are parsed
 */
public record IngestionSettings(
        Duration maxFutureSkew,
        Duration maxAheadOfStream,
        Duration maxOutOfOrderness,
        Duration idleness,
        Duration dedupTtl,
        int dedupMaxIds,
        EventTimeEnd end,
        PseudonymSettings pseudonyms)
        implements Serializable {

    /** Settings that keep the shop's user ids. */
    public IngestionSettings(
            Duration maxFutureSkew,
            Duration maxAheadOfStream,
            Duration maxOutOfOrderness,
            Duration idleness,
            Duration dedupTtl,
            int dedupMaxIds,
            EventTimeEnd end) {
        this(
                maxFutureSkew,
                maxAheadOfStream,
                maxOutOfOrderness,
                idleness,
                dedupTtl,
                dedupMaxIds,
                end,
                PseudonymSettings.DISABLED);
    }

    /** Settings whose bounded inputs end at the end of time (Flink's default). */
    public IngestionSettings(
            Duration maxFutureSkew,
            Duration maxAheadOfStream,
            Duration maxOutOfOrderness,
            Duration idleness,
            Duration dedupTtl,
            int dedupMaxIds) {
        this(
                maxFutureSkew,
                maxAheadOfStream,
                maxOutOfOrderness,
                idleness,
                dedupTtl,
                dedupMaxIds,
                EventTimeEnd.endOfTime());
    }
}
