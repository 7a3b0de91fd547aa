package io.mailflow.campaigns.watch;

import io.mailflow.model.CatalogUpdate;
import io.mailflow.model.Event;

/**
 * The input of the item watchers' two operators. Exactly one field is set (a broadcast connection takes one keyed
 * input): a user's view or cart of an item, a catalog change of an item, or an erasure.
 *
 * <p>Keyed by user into {@link WatchIndexFunction} (views, carts and erasures without an item), which forwards the
 * views and carts and turns an erasure into one per item the user may watch; keyed by item into
 * {@link ItemWatchFunction} (views, carts, catalog changes, and those per-item erasures).
 */
public record ItemSignal(Event event, CatalogUpdate update, WatchErasure erasure) {

    /**
     * A user's erasure as far as the item watchers go.
     *
     * @param userId the user to forget
     * @param itemId the item to forget them in, or null for the user's erasure as it enters the index
     */
    public record WatchErasure(String userId, String itemId) {}

    public static ItemSignal of(Event e) {
        return new ItemSignal(e, null, null);
    }

    public static ItemSignal of(CatalogUpdate u) {
        return new ItemSignal(null, u, null);
    }

    /** The user's erasure, keyed by user into the index. */
    public static ItemSignal erasure(String userId) {
        return new ItemSignal(null, null, new WatchErasure(userId, null));
    }

    /** Forget the user in one item (emitted by the index, keyed by item). */
    public static ItemSignal erasure(String userId, String itemId) {
        return new ItemSignal(null, null, new WatchErasure(userId, itemId));
    }

    public String itemId() {
        return event != null ? event.itemId() : update != null ? update.itemId() : erasure.itemId();
    }

    public String userId() {
        return event != null ? event.userId() : erasure != null ? erasure.userId() : null;
    }
}
