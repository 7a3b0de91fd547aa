package io.mailflow.campaigns.watch;

import io.mailflow.model.CatalogUpdate;
import io.mailflow.model.Event;

/**
 * The keyed input of {@link ItemWatchFunction}, keyed by item: a user's view or cart of the item, or a catalog
 * change of it. Exactly one field is set (a broadcast connection takes one keyed input).
 */
public record ItemSignal(Event event, CatalogUpdate update) {

    public static ItemSignal of(Event e) {
        return new ItemSignal(e, null);
    }

    public static ItemSignal of(CatalogUpdate u) {
        return new ItemSignal(null, u);
    }

    public String itemId() {
        return event != null ? event.itemId() : update.itemId();
    }
}
