package io.mailflow.sessions;

import io.mailflow.model.Event;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Thin Flink wrapper: incremental session aggregation, one accumulator per open window. */
public final class SessionAggregateFunction
        implements AggregateFunction<Event, SessionAccumulator, SessionAccumulator> {
    private static final long serialVersionUID = 1L;

    private final SessionAggregator aggregator;

    public SessionAggregateFunction(SessionAggregator aggregator) {
        this.aggregator = aggregator;
    }

    @Override
    public SessionAccumulator createAccumulator() {
        return new SessionAccumulator();
    }

    @Override
    public SessionAccumulator add(Event value, SessionAccumulator acc) {
        return aggregator.add(acc, value);
    }

    @Override
    public SessionAccumulator getResult(SessionAccumulator acc) {
        return acc;
    }

    @Override
    public SessionAccumulator merge(SessionAccumulator a, SessionAccumulator b) {
        return aggregator.merge(a, b);
    }
}
