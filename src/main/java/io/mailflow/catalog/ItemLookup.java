package io.mailflow.catalog;

import io.mailflow.model.CatalogItem;

/**
 * One item of one e-mail request on its way through the catalog join: split off the request by
 * {@link CatalogStage}, looked up on the subtask that holds the item ({@link CatalogLookupFunction}), and
 * joined back to its request ({@link RequestAssemblyFunction}).
 *
 * @param requestId the request it belongs to
 * @param slot its position among the request's items ({@code 0..items-1}) and recommendations (after them)
 * @param parts how many lookups the request was split into
 * @param itemId the item
 * @param triggeredAt the request's event time: the lookup waits until event time has reached it
 * @param looked true once looked up
 * @param item the catalog's entry, or null when the item is not in the catalog
 */
public record ItemLookup(
        String requestId, int slot, int parts, String itemId, long triggeredAt, boolean looked, CatalogItem item) {

    ItemLookup found(CatalogItem entry) {
        return new ItemLookup(requestId, slot, parts, itemId, triggeredAt, true, entry);
    }
}
