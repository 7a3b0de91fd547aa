package io.mailflow.recommendations;

import io.mailflow.model.SessionSummary;
import io.mailflow.segmentation.SegmentAssignment;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Labels each session's items with the segment its user was assigned for that session, for the
 * segment top-items model. The segment assignment of a session always follows the session (it is
 * computed from the session's features), so the session's items wait in state until it arrives and are
 * then cleared; a newer session replaces an older one still waiting (at most one entry per user).
 */
public final class SegmentActivityFunction
        extends KeyedCoProcessFunction<String, SessionSummary, SegmentAssignment, SegmentItems> {
    private static final long serialVersionUID = 1L;

    private final int maxItems;
    private transient ValueState<SessionItems> waiting;

    public SegmentActivityFunction(int maxItems) {
        this.maxItems = maxItems;
    }

    @Override
    public void open(OpenContext ctx) {
        waiting = getRuntimeContext().getState(new ValueStateDescriptor<>("session-items", SessionItems.class));
    }

    @Override
    public void processElement1(SessionSummary s, Context ctx, Collector<SegmentItems> out) throws Exception {
        SessionItems items = SessionItems.of(s, maxItems);
        if (!items.items().isEmpty()) {
            waiting.update(items);
        }
    }

    @Override
    public void processElement2(SegmentAssignment a, Context ctx, Collector<SegmentItems> out) throws Exception {
        SessionItems items = waiting.value();
        if (items != null && items.end() <= a.asOf()) {
            out.collect(new SegmentItems(a.segment(), items.items(), items.strongItems(), items.end()));
            waiting.clear();
        }
    }
}
