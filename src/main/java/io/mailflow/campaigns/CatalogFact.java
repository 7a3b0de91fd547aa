package io.mailflow.campaigns;

/**
 * What the item watchers (keyed by item, see {@code io.mailflow.campaigns.watch}) tell one watcher's trigger
 * operator (keyed by user): a catalog-driven campaign fired for this user and item. The per-user operator turns
 * it into a pending trigger like any other, so the e-mail goes through the same audience, holdout, variant,
 * catalog enrichment and guardrails as the other triggers.
 *
 * @param campaignId the campaign whose rule matched (the watcher side already applied its threshold and dedup)
 * @param trigger {@link TriggerType#BACK_IN_STOCK} or {@link TriggerType#PRICE_DROP}, by name
 * @param itemId the item
 * @param at event time of the catalog change (its {@code updatedAt})
 * @param wasPrice the price the user saw (price drop), or null
 * @param price the item's price after the change, or null
 * @param currency the prices' currency, or null
 */
public record CatalogFact(
        String campaignId, String trigger, String itemId, long at, Double wasPrice, Double price, String currency) {

    public TriggerType triggerType() {
        return TriggerType.valueOf(trigger);
    }
}
