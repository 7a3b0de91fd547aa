package io.mailflow.campaigns.rules;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Pending;
import io.mailflow.campaigns.TriggerSpec;
import io.mailflow.campaigns.TriggerType;
import io.mailflow.campaigns.UserFacts;
import io.mailflow.campaigns.UserSignal;
import io.mailflow.scoring.PropensityScore;
import java.util.List;
import java.util.Optional;

/**
 * Score threshold: a propensity score that crosses the threshold from the user's previous score fires,
 * upwards (from below to at-or-above) or downwards (from at-or-above to below) as the trigger says. A
 * first score crosses nothing. Nothing cancels it.
 */
public final class ScoreThresholdRule implements TriggerRule {

    @Override
    public TriggerType type() {
        return TriggerType.SCORE_THRESHOLD;
    }

    @Override
    public Optional<Pending> onSignal(CampaignDefinition c, UserSignal signal, UserFacts before, ViewTallies tallies) {
        PropensityScore p = signal.score();
        if (p == null || before.score() == null) {
            return Optional.empty(); // a crossing needs a previous score
        }
        double th = c.trigger().threshold();
        boolean crossed = c.trigger().crossing() == TriggerSpec.Direction.DOWN
                ? before.score() >= th && p.score() < th
                : before.score() < th && p.score() >= th;
        if (!crossed) {
            return Optional.empty();
        }
        return Optional.of(new Pending(
                c.id(),
                type().name(),
                "score@" + p.timestamp(),
                p.timestamp(),
                p.timestamp() + c.trigger().delayMs(),
                List.of(),
                null));
    }
}
