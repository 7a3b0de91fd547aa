package io.mailflow.sessions;

import io.mailflow.model.SessionSummary;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Turns the final accumulator of a closed session window into a {@link SessionSummary}. */
public final class EmitSessionFunction
        extends ProcessWindowFunction<SessionAccumulator, SessionSummary, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    private final SessionAggregator aggregator;
    private transient Counter sessions;

    public EmitSessionFunction(SessionAggregator aggregator) {
        this.aggregator = aggregator;
    }

    @Override
    public void open(OpenContext ctx) {
        sessions = getRuntimeContext().getMetricGroup().counter("sessionsClosed");
    }

    @Override
    public void process(String userId, Context ctx, Iterable<SessionAccumulator> accs, Collector<SessionSummary> out) {
        for (SessionAccumulator acc : accs) {
            sessions.inc();
            out.collect(aggregator.summarize(userId, acc));
        }
    }
}
