package io.mailflow.common;

import io.mailflow.model.DeadLetter;
import io.mailflow.model.Event;
import org.apache.flink.util.OutputTag;

/** Every side output of the topology, declared once. */
public final class Tags {
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};
    public static final OutputTag<Event> LATE_EVENTS = new OutputTag<>("late-events") {};
    /** Users whose erasure must still visit every item of the item watchers (see the item watch index). */
    public static final OutputTag<String> WATCH_FULL_ERASURES = new OutputTag<>("watch-full-erasures") {};
    /** Campaign definitions accepted, applied, ignored or rejected (see io.mailflow.model.CampaignStatus). */
    public static final OutputTag<io.mailflow.model.CampaignStatus> CAMPAIGN_STATUS =
            new OutputTag<>("campaign-status") {};
    /** What the guardrails did with each request: released, holdout, deferred, dropped. */
    public static final OutputTag<io.mailflow.model.CampaignEvent> CAMPAIGN_EVENTS =
            new OutputTag<>("campaign-events") {};

    private Tags() {}
}
