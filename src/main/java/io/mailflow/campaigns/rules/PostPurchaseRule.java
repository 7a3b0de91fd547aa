package io.mailflow.campaigns.rules;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Pending;
import io.mailflow.campaigns.TriggerType;
import io.mailflow.campaigns.UserFacts;
import io.mailflow.campaigns.UserSignal;
import io.mailflow.model.LineItem;
import io.mailflow.model.SessionSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Post-purchase cross-sell: a session with a purchase fires, with the bought items as the e-mail's
 * context; nothing cancels it. Like the abandoned cart, a newer purchase session supersedes an older one
 * whose e-mail is not due yet.
 */
public final class PostPurchaseRule implements TriggerRule {
    private final long defaultDelayMs;

    /** @param defaultDelayMs the delay of campaigns that set a negative one (the job's {@code abandoned-cart.delay}) */
    public PostPurchaseRule(long defaultDelayMs) {
        this.defaultDelayMs = defaultDelayMs;
    }

    @Override
    public TriggerType type() {
        return TriggerType.POST_PURCHASE;
    }

    @Override
    public Optional<Pending> onSignal(CampaignDefinition c, UserSignal signal, UserFacts before, ViewTallies tallies) {
        SessionSummary s = signal.session();
        if (s == null || s.purchases() <= 0) {
            return Optional.empty();
        }
        List<LineItem> bought = new ArrayList<>();
        for (String item : s.purchasedItems()) {
            bought.add(new LineItem(item, null, null, 1, s.end()));
        }
        return Optional.of(new Pending(
                c.id(),
                type().name(),
                s.sessionKey(),
                s.end(),
                s.end() + Delays.orDefault(c, defaultDelayMs),
                bought,
                s.currency()));
    }

    @Override
    public boolean newestFactOnly() {
        return true;
    }
}
