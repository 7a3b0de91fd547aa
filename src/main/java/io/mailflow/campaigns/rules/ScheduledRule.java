package io.mailflow.campaigns.rules;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Pending;
import io.mailflow.campaigns.TriggerType;
import io.mailflow.campaigns.UserFacts;
import io.mailflow.campaigns.UserSignal;
import java.util.Optional;

/**
 * Scheduled campaigns fire on the clock, not on a user's signal: the operator walks its users at each tick
 * (see {@code campaigns.schedule.ScheduledSends}). Registered so that every trigger type has a rule; no signal
 * fires it and nothing cancels it.
 */
public final class ScheduledRule implements TriggerRule {

    @Override
    public TriggerType type() {
        return TriggerType.SCHEDULED;
    }

    @Override
    public Optional<Pending> onSignal(CampaignDefinition c, UserSignal signal, UserFacts before, ViewTallies tallies) {
        return Optional.empty();
    }
}
