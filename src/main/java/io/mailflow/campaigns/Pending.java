package io.mailflow.campaigns;

import io.mailflow.model.LineItem;
import java.util.List;

/**
 * A trigger that fired and waits for its campaign's delay (keyed state of {@link TriggerFunction}).
 *
 * @param campaignId the campaign
 * @param trigger the trigger type's name; a string because pending triggers are in keyed state of committed
 *     savepoints (Flink's POJO serializer cannot change a field's type on restore), typed by {@link #triggerType()}
 * @param fact what triggered it, unique per user and campaign (session key, browse episode, ...): the
 *     input of the deterministic request id
 * @param anchor event time of the triggering fact (session end, first view, segment change)
 * @param dueAt event time of the decision
 * @param items context items for the e-mail
 * @param currency their currency, or null
 */
public record Pending(
        String campaignId,
        String trigger,
        String fact,
        long anchor,
        long dueAt,
        List<LineItem> items,
        String currency) {

    public TriggerType triggerType() {
        return TriggerType.valueOf(trigger);
    }

    public String key() {
        return campaignId + "|" + fact;
    }
}
