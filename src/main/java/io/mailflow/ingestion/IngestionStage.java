package io.mailflow.ingestion;

import io.mailflow.common.Tags;
import io.mailflow.common.Uids;
import io.mailflow.io.EndOfInputWatermarks;
import io.mailflow.io.PartitionWatermarks;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.Event;
import io.mailflow.model.RawRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Ingestion: raw records (event-time watermarks per partition) -> parse/validate -> de-duplication by event id.
 *
 * <pre>
 * events source (watermarks per partition) -> parse and validate --(dead letters)--> ...
 *               -> drop duplicate events (keyed by user) -> events by user
 * </pre>
 */
public final class IngestionStage {
    private IngestionStage() {}

    /**
     * @param events the validated, de-duplicated events with event-time timestamps, on the subtask of their user
     * @param byUser the same stream seen as keyed by user (no shuffle)
     * @param deadLetters records that are not valid events, with the reason
     */
    public record Outputs(
            DataStream<Event> events, KeyedStream<Event, String> byUser, DataStream<DeadLetter> deadLetters) {}

    /**
     * @param erasures ids of users erased on request: their remembered event ids are forgotten
     */
    public static Outputs attach(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> source,
            DataStream<String> erasures,
            IngestionSettings settings) {
        SingleOutputStreamOperator<Event> parsed = env.fromSource(source, watermarks(settings), "events")
                .uid(Uids.EVENTS_SOURCE)
                .process(new ParseEventsFunction(
                        new EventValidator(settings.maxFutureSkew(), settings.maxAheadOfStream()),
                        settings.pseudonyms()))
                .uid(Uids.PARSE_EVENTS)
                .name("parse and validate events");

        DataStream<Event> timed = EndOfInputWatermarks.apply(parsed, settings.end(), Uids.EVENTS_END_OF_INPUT);

        SingleOutputStreamOperator<Event> unique = timed.keyBy(Event::userId)
                .connect(erasures.keyBy(u -> u, Types.STRING))
                .process(new DeduplicateFunction(settings.dedupTtl(), settings.dedupMaxIds()))
                .uid(Uids.DEDUPLICATE)
                .name("drop duplicate events");
        return new Outputs(
                unique,
                DataStreamUtils.reinterpretAsKeyedStream(unique, Event::userId),
                parsed.getSideOutput(Tags.DEAD_LETTERS));
    }

    /**
     * Per-partition watermarks in the source, from the events' {@code timestamp} under the validator's time rules
     * (see {@link PartitionWatermarks}); a valid event's record timestamp is its {@code timestamp}.
     */
    static WatermarkStrategy<RawRecord> watermarks(IngestionSettings settings) {
        return PartitionWatermarks.of(
                "timestamp",
                EventValidator.MAX_PAYLOAD_BYTES,
                settings.maxOutOfOrderness(),
                settings.idleness(),
                settings.maxFutureSkew(),
                settings.maxAheadOfStream());
    }
}
