package io.mailflow.campaigns.rules;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Pending;
import io.mailflow.campaigns.TriggerType;
import io.mailflow.campaigns.UserFacts;
import io.mailflow.campaigns.UserSignal;
import io.mailflow.segmentation.SegmentAssignment;
import java.util.List;
import java.util.Optional;

/**
 * Segment entry: an assignment to another segment than the user's previous one fires when the new
 * segment is one of the trigger's segments, or, if the trigger lists none, on any change (a user's first
 * assignment is a change only into a listed segment). Nothing cancels it.
 */
public final class SegmentEntryRule implements TriggerRule {

    @Override
    public TriggerType type() {
        return TriggerType.SEGMENT_ENTRY;
    }

    @Override
    public Optional<Pending> onSignal(CampaignDefinition c, UserSignal signal, UserFacts before, ViewTallies tallies) {
        SegmentAssignment a = signal.segment();
        if (a == null) {
            return Optional.empty();
        }
        Integer previous = before.segment();
        if (previous != null && previous == a.segment()) {
            return Optional.empty();
        }
        List<Integer> targets = c.trigger().segments();
        boolean entered = targets.isEmpty() ? previous != null : targets.contains(a.segment());
        if (!entered) {
            return Optional.empty();
        }
        return Optional.of(new Pending(
                c.id(),
                type().name(),
                "segment-" + a.segment() + "@" + a.asOf(),
                a.asOf(),
                a.asOf() + c.trigger().delayMs(),
                List.of(),
                null));
    }
}
