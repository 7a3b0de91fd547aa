package io.mailflow.campaigns.rules;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Pending;
import io.mailflow.campaigns.TriggerType;
import io.mailflow.campaigns.UserFacts;
import io.mailflow.campaigns.UserSignal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Win-back: no session for the trigger's inactivity period (plus its delay) fires. No signal fires it
 * directly: every session restarts the user's inactivity clock (the operator keeps the last session end
 * and a timer at {@link #dueAt}), and the trigger is created when the clock runs out. Nothing cancels it
 * (a session in between restarted the clock).
 */
public final class WinBackRule implements TriggerRule {

    @Override
    public TriggerType type() {
        return TriggerType.WIN_BACK;
    }

    /** Never: the inactivity clock, not a signal, fires win-back (see {@link #restartsClock}). */
    @Override
    public Optional<Pending> onSignal(CampaignDefinition c, UserSignal signal, UserFacts before, ViewTallies tallies) {
        return Optional.empty();
    }

    /** Whether a signal restarts the inactivity clock: a session that ended after the last known one. */
    public static boolean restartsClock(UserSignal signal, Long lastActivity) {
        return signal.session() != null
                && (lastActivity == null || signal.session().end() > lastActivity);
    }

    /** When a user whose last session ended at {@code lastActivity} is due an e-mail of campaign {@code c}. */
    public static long dueAt(CampaignDefinition c, long lastActivity) {
        return lastActivity + c.trigger().inactivityMs() + c.trigger().delayMs();
    }

    /** The trigger of campaign {@code c} once the clock started at {@code lastActivity} ran out at {@code now}. */
    public Pending pending(CampaignDefinition c, long lastActivity, long now) {
        return new Pending(c.id(), type().name(), "inactive-since@" + lastActivity, lastActivity, now, List.of(), null);
    }

    /** The win-back campaigns among {@code campaigns} live at {@code t}: a session ending then restarts their clocks. */
    public static List<CampaignDefinition> live(List<CampaignDefinition> campaigns, long t) {
        List<CampaignDefinition> out = new ArrayList<>();
        for (CampaignDefinition c : campaigns) {
            if (c.liveAt(t) && c.trigger().type() == TriggerType.WIN_BACK) {
                out.add(c);
            }
        }
        return out;
    }

    /** The win-back campaigns among {@code campaigns} whose clock, started at {@code lastActivity}, runs out at {@code now}. */
    public static List<CampaignDefinition> due(List<CampaignDefinition> campaigns, long lastActivity, long now) {
        List<CampaignDefinition> out = new ArrayList<>();
        for (CampaignDefinition c : campaigns) {
            if (c.trigger().type() == TriggerType.WIN_BACK && dueAt(c, lastActivity) == now) {
                out.add(c);
            }
        }
        return out;
    }

    /** Whether the clock started at {@code lastActivity} has run out for every win-back campaign at {@code now}: it can go. */
    public static boolean clockRunOut(List<CampaignDefinition> campaigns, long lastActivity, long now) {
        long latest = Long.MIN_VALUE;
        for (CampaignDefinition c : campaigns) {
            if (c.trigger().type() == TriggerType.WIN_BACK) {
                latest = Math.max(latest, dueAt(c, lastActivity));
            }
        }
        return now >= latest;
    }
}
