package io.mailflow.job;

import io.mailflow.model.DeadLetter;
import io.mailflow.model.Event;
import org.apache.flink.util.OutputTag;

/** Every side output of the topology, declared once. */
public final class Tags {
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};
    public static final OutputTag<Event> LATE_EVENTS = new OutputTag<>("late-events") {};

    private Tags() {}
}
