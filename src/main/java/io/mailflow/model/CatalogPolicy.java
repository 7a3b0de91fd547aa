package io.mailflow.model;

import java.util.Locale;

/**
 * What a campaign does with a request when a catalog is configured and none of the request's own items (the
 * cart, the browsed or bought item) is in the catalog and purchasable (unknown, inactive, out of stock or
 * discontinued). Stored in its wire form (the lower-case name) in campaign definitions and send rules.
 */
public enum CatalogPolicy {
    /** Do not send: the request becomes a dead letter (stage {@code catalog}) with the reason. The default. */
    SKIP,
    /** Send with the recommendations alone (still filtered by the catalog); a dead letter if none is left. */
    RECOMMEND,
    /** Send as triggered: the items are shown as the catalog knows them (e.g. a receipt for an item now sold out). */
    KEEP;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The exact wire form, or null if unknown. */
    public static CatalogPolicy parse(String s) {
        for (CatalogPolicy p : values()) {
            if (p.wireName().equals(s)) {
                return p;
            }
        }
        return null;
    }

    /** The stored wire form, typed; empty or unknown is {@link #SKIP}. */
    public static CatalogPolicy ofWire(String s) {
        CatalogPolicy p = s == null ? null : parse(s);
        return p == null ? SKIP : p;
    }
}
