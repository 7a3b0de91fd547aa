package io.mailflow.sessions;

import io.mailflow.common.Tags;
import io.mailflow.common.Uids;
import io.mailflow.model.Event;
import io.mailflow.model.SessionSummary;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.EventTimeSessionWindows;

/** Sessions: events by user -> event-time session windows (incremental aggregation) -> session summaries. */
public final class SessionStage {
    private SessionStage() {}

    /**
     * @param sessions one summary per closed session, at the session's end time
     * @param lateEvents events that arrived after their session had closed
     */
    public record Outputs(DataStream<SessionSummary> sessions, DataStream<Event> lateEvents) {}

    public static Outputs attach(KeyedStream<Event, String> byUser, SessionSettings settings) {
        SessionAggregator aggregator = new SessionAggregator(settings.maxItems());
        SingleOutputStreamOperator<SessionSummary> sessions = byUser.window(
                        EventTimeSessionWindows.withGap(settings.gap()))
                .sideOutputLateData(Tags.LATE_EVENTS)
                .aggregate(new SessionAggregateFunction(aggregator), new EmitSessionFunction(aggregator))
                .uid(Uids.SESSION_WINDOW)
                .name("session windows");
        return new Outputs(sessions, sessions.getSideOutput(Tags.LATE_EVENTS));
    }
}
