package io.mailflow.campaigns.watch;

import io.mailflow.model.CatalogItem;

/**
 * What the item watchers keep of an item's catalog version: whether it can be bought, and its price (keyed
 * state of {@link ItemWatchFunction}; no personal data).
 *
 * @param available active, in stock, not discontinued ({@link CatalogItem#purchasable()})
 * @param price the price, or null
 * @param currency its currency, or null
 * @param updatedAt the version's time
 */
public record ItemStatus(boolean available, Double price, String currency, long updatedAt) {

    public static ItemStatus of(CatalogItem item) {
        return new ItemStatus(item.purchasable(), item.price(), item.currency(), item.updatedAt());
    }
}
