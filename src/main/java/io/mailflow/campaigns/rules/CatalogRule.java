package io.mailflow.campaigns.rules;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.CatalogFact;
import io.mailflow.campaigns.Pending;
import io.mailflow.campaigns.TriggerType;
import io.mailflow.campaigns.UserFacts;
import io.mailflow.campaigns.UserSignal;
import io.mailflow.model.LineItem;
import java.util.List;
import java.util.Optional;

/**
 * Back in stock and price drop, on the user's side: the item watchers (keyed by item, {@code
 * io.mailflow.campaigns.watch.ItemWatchers}) already chose the watchers, applied the price threshold and the
 * per-user-and-item dedup, and addressed the fact to one campaign; here it becomes a pending trigger due after
 * the campaign's delay, so the decision (campaign still live, audience) and the request are the other triggers'.
 *
 * <p>The fact id holds the item and the change's time: the request id derives from it, so a replayed catalog
 * change yields the same request, which the delivery ledger sends once.
 */
public final class CatalogRule implements TriggerRule {
    private final TriggerType type;

    public CatalogRule(TriggerType type) {
        if (!type.catalogDriven()) {
            throw new IllegalArgumentException("not a catalog-driven trigger: " + type);
        }
        this.type = type;
    }

    @Override
    public TriggerType type() {
        return type;
    }

    @Override
    public Optional<Pending> onSignal(CampaignDefinition c, UserSignal signal, UserFacts before, ViewTallies tallies) {
        CatalogFact f = signal.catalog();
        if (f == null || !f.campaignId().equals(c.id()) || !f.trigger().equals(type.name())) {
            return Optional.empty();
        }
        // price drop: the line item carries the price the user saw, so the e-mail can show was/now
        Double shown = type == TriggerType.PRICE_DROP ? f.wasPrice() : f.price();
        return Optional.of(new Pending(
                c.id(),
                type.name(),
                type.wireName() + ":" + f.itemId() + ":" + f.at(),
                f.at(),
                f.at() + Math.max(0, c.trigger().delayMs()),
                List.of(new LineItem(f.itemId(), null, shown, 1, f.at())),
                f.currency()));
    }
}
