package io.mailflow.campaigns.rules;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Pending;
import io.mailflow.campaigns.TriggerType;
import io.mailflow.campaigns.UserFacts;
import io.mailflow.campaigns.UserSignal;
import java.util.Optional;

/**
 * One trigger type's rule, free of Flink: which signals fire a campaign, and what cancels a fired
 * trigger before its e-mail is due. The trigger operator holds the state and the timers; it calls
 * {@link #onSignal} for every campaign of the rule's type that is live at the signal's event time,
 * schedules the returned {@link Pending} for its {@code dueAt}, and asks {@link TriggerRules#decide}
 * at that time.
 *
 * <p>Contract: a rule is stateless and deterministic (event time only), so a replay decides as the live
 * run did. Whatever it must remember between signals is passed in ({@code before}, {@link ViewTallies})
 * and kept by the operator.
 */
public interface TriggerRule {

    /** The trigger type this rule implements. */
    TriggerType type();

    /**
     * The trigger a signal fires for a campaign of this rule's type, if any.
     *
     * @param campaign a campaign of {@link #type()}, live at the signal's event time
     * @param signal exactly one of session, event, segment or score is set
     * @param before the user's facts before this signal was applied (e.g. the previous segment or score)
     * @param tallies the user's browsing tallies, for rules that count views
     */
    Optional<Pending> onSignal(CampaignDefinition campaign, UserSignal signal, UserFacts before, ViewTallies tallies);

    /**
     * Whether a newer fact of the same campaign supersedes a pending older one whose e-mail is not due yet
     * (one e-mail for the newest fact), instead of each fact getting its own e-mail.
     */
    default boolean newestFactOnly() {
        return false;
    }

    /** Whether what the user did after {@code p} fired, up to {@code now}, cancels it. */
    default boolean cancelled(Pending p, Activity activity, long now) {
        return false;
    }

    /**
     * How long after a cart or purchase its time must be kept so that {@link #cancelled} sees it for this
     * campaign (not counting the session gap), or -1 if this rule is not cancelled by carts or purchases.
     */
    default long activityHorizonMs(CampaignDefinition campaign) {
        return -1;
    }
}
