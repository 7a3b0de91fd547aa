package io.mailflow.campaigns.rules;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Pending;
import io.mailflow.campaigns.TriggerSpec;
import io.mailflow.campaigns.TriggerType;
import io.mailflow.campaigns.UserFacts;
import io.mailflow.campaigns.UserSignal;
import io.mailflow.campaigns.ViewTally;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import io.mailflow.model.LineItem;
import java.util.List;
import java.util.Optional;

/**
 * Browse abandonment: views of one item (or one category, by the trigger's scope) are counted in an
 * episode that ends when no view follows within the window; the {@code minViews}-th view of an episode
 * fires once, due {@code delay} after that view. A cart or purchase after the episode began cancels.
 */
public final class BrowseAbandonmentRule implements TriggerRule {

    @Override
    public TriggerType type() {
        return TriggerType.BROWSE_ABANDONMENT;
    }

    @Override
    public Optional<Pending> onSignal(CampaignDefinition c, UserSignal signal, UserFacts before, ViewTallies tallies) {
        Event e = signal.event();
        if (e == null || e.type() != EventType.VIEW) {
            return Optional.empty();
        }
        TriggerSpec spec = c.trigger();
        String subject = spec.browseScope() == TriggerSpec.Scope.CATEGORY ? e.categoryId() : e.itemId();
        if (subject == null) {
            return Optional.empty();
        }
        String key = c.id() + "|" + subject;
        long t = e.timestamp();
        ViewTally next = count(tallies.get(key), e, spec.windowMs());
        tallies.put(key, next, next.last() + spec.windowMs());
        if (next.count() != spec.minViews()) {
            return Optional.empty();
        }
        List<LineItem> items =
                e.itemId() == null ? List.of() : List.of(new LineItem(e.itemId(), e.categoryId(), e.price(), 1, t));
        return Optional.of(new Pending(
                c.id(),
                type().name(),
                subject + "@" + next.first(),
                next.first(),
                t + spec.delayMs(),
                items,
                e.currency()));
    }

    /** The tally after view {@code e}: a view more than {@code windowMs} after the previous one starts a new episode. */
    static ViewTally count(ViewTally previous, Event e, long windowMs) {
        long t = e.timestamp();
        return previous == null || t - previous.last() > windowMs
                ? new ViewTally(1, t, t, e.itemId(), e.categoryId(), e.price())
                : new ViewTally(
                        previous.count() + 1,
                        previous.first(),
                        Math.max(previous.last(), t),
                        e.itemId(),
                        e.categoryId(),
                        e.price());
    }

    @Override
    public boolean cancelled(Pending p, Activity activity, long now) {
        return activity.any(p.anchor(), now, Activity.CART | Activity.PURCHASE);
    }

    @Override
    public long activityHorizonMs(CampaignDefinition c) {
        return c.trigger().delayMs() + c.trigger().windowMs();
    }
}
