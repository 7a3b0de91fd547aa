package io.mailflow.model;

/**
 * A change to one catalog item: a new version, or its removal (a tombstone on the compacted topic).
 *
 * @param itemId the item
 * @param item the new version, or null when the item was removed
 */
public record CatalogUpdate(String itemId, CatalogItem item) {

    public static CatalogUpdate upsert(CatalogItem item) {
        return new CatalogUpdate(item.itemId(), item);
    }

    public static CatalogUpdate removal(String itemId) {
        return new CatalogUpdate(itemId, null);
    }

    public boolean removed() {
        return item == null;
    }
}
