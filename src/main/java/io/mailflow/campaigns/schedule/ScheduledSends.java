package io.mailflow.campaigns.schedule;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Pending;
import io.mailflow.campaigns.TriggerType;
import io.mailflow.campaigns.UserFacts;
import java.util.List;
import java.util.Optional;

/**
 * The rule of scheduled campaigns, free of Flink: whether a user is due an occurrence of a campaign at a tick.
 * The operator walks its users' facts at each tick and asks this for every live scheduled campaign; it keeps,
 * per user, the key of the last occurrence each campaign sent them.
 */
public final class ScheduledSends {
    private ScheduledSends() {}

    /** The trigger name of scheduled requests (as {@link Pending#trigger()} stores it). */
    public static final String TRIGGER = TriggerType.SCHEDULED.name();

    /** The scheduled campaigns among {@code campaigns} that may send at {@code now} somewhere in the world. */
    public static List<CampaignDefinition> live(List<CampaignDefinition> campaigns, long now) {
        return campaigns.stream()
                .filter(c -> c.trigger().type() == TriggerType.SCHEDULED
                        && c.trigger().schedule() != null
                        && c.liveAt(now)
                        && Occurrences.openAnywhere(c.trigger().schedule(), now))
                .toList();
    }

    /**
     * The occurrence of {@code c} a user with {@code facts} in {@code zone} (an IANA id; null or unknown: UTC) is due
     * at {@code now}: open in their zone, not the one
     * they last got ({@code lastSent}), and the user in the campaign's audience.
     */
    public static Optional<Occurrence> due(
            CampaignDefinition c, UserFacts facts, String zone, String lastSent, long now) {
        Optional<Occurrence> o = Occurrences.open(c.trigger().schedule(), Occurrences.zoneOf(zone), now);
        if (o.isEmpty() || o.get().key().equals(lastSent) || !c.audience().matches(facts)) {
            return Optional.empty();
        }
        return o;
    }

    /** The trigger of an occurrence decided at {@code now}: its fact is the occurrence, so its request id is stable. */
    public static Pending pending(CampaignDefinition c, Occurrence o, long now) {
        return new Pending(c.id(), TRIGGER, "scheduled:" + o.key(), o.dueAt(), now, List.of(), null);
    }
}
