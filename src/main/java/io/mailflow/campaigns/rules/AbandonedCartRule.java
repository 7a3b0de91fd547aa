package io.mailflow.campaigns.rules;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Pending;
import io.mailflow.campaigns.TriggerType;
import io.mailflow.campaigns.UserFacts;
import io.mailflow.campaigns.UserSignal;
import io.mailflow.model.SessionSummary;
import java.util.Optional;

/**
 * Abandoned cart: a session that left items in the cart and bought nothing fires; a purchase after the
 * session ended and up to the due time cancels. A newer abandoned session supersedes an older one whose
 * e-mail is not due yet, so the user gets one e-mail about the newest cart.
 */
public final class AbandonedCartRule implements TriggerRule {
    private final long defaultDelayMs;

    /** @param defaultDelayMs the delay of campaigns that set none ({@code abandoned-cart.delay}) */
    public AbandonedCartRule(long defaultDelayMs) {
        this.defaultDelayMs = defaultDelayMs;
    }

    @Override
    public TriggerType type() {
        return TriggerType.ABANDONED_CART;
    }

    @Override
    public Optional<Pending> onSignal(CampaignDefinition c, UserSignal signal, UserFacts before, ViewTallies tallies) {
        SessionSummary s = signal.session();
        if (s == null || !s.abandonedCart()) {
            return Optional.empty();
        }
        return Optional.of(new Pending(
                c.id(), type().name(), s.sessionKey(), s.end(), s.end() + delayMs(c), s.cartItems(), s.currency()));
    }

    @Override
    public boolean newestFactOnly() {
        return true;
    }

    @Override
    public boolean cancelled(Pending p, Activity activity, long now) {
        return activity.any(p.anchor(), now, Activity.PURCHASE);
    }

    @Override
    public long activityHorizonMs(CampaignDefinition c) {
        return delayMs(c);
    }

    /** The campaign's delay, or the job's default if it sets none (a negative delay). */
    long delayMs(CampaignDefinition c) {
        return Delays.orDefault(c, defaultDelayMs);
    }
}
