package io.mailflow.ingestion;

import io.mailflow.common.Tags;
import io.mailflow.common.Uids;
import io.mailflow.io.EndOfInputWatermarks;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.Event;
import io.mailflow.model.RawRecord;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Ingestion: raw records -> parse/validate -> event-time watermarks -> de-duplication by event id.
 *
 * <pre>
 * events source -> parse and validate --(dead letters)--> ...
 *               -> watermarks -> drop duplicate events (keyed by user) -> events by user
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
        SingleOutputStreamOperator<Event> parsed = env.fromSource(source, WatermarkStrategy.noWatermarks(), "events")
                .uid(Uids.EVENTS_SOURCE)
                .process(new ParseEventsFunction(
                        new EventValidator(settings.maxFutureSkew(), settings.maxAheadOfStream())))
                .uid(Uids.PARSE_EVENTS)
                .name("parse and validate events");

        DataStream<Event> timed = EndOfInputWatermarks.apply(
                parsed.assignTimestampsAndWatermarks(watermarks(settings))
                        .uid(Uids.WATERMARKS)
                        .name("event-time watermarks"),
                settings.end(),
                Uids.EVENTS_END_OF_INPUT);

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

    static WatermarkStrategy<Event> watermarks(IngestionSettings settings) {
        WatermarkStrategy<Event> s = WatermarkStrategy.<Event>forBoundedOutOfOrderness(settings.maxOutOfOrderness())
                .withTimestampAssigner((e, previous) -> e.timestamp());
        Duration idle = settings.idleness();
        return idle.isZero() ? s : s.withIdleness(idle);
    }
}
