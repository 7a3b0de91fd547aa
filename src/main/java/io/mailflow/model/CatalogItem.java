package io.mailflow.model;

import java.util.List;
import java.util.Map;

/**
 * One product of the shop's catalog, as read from the compacted {@code catalog} topic (schema in
 * docs/events.md, checked by {@code catalog.CatalogValidator}).
 *
 * @param itemId the item, the same id the behaviour events carry
 * @param title the title in the catalog's default language, the fallback of {@link #titleFor}
 * @param titles titles per locale tag ({@code en}, {@code zh-CN}); may be empty
 * @param url the product page, http(s), or null
 * @param imageUrl the product image, http(s), or null
 * @param price current unit price, or null when the item has no price
 * @param currency ISO 4217 code of {@code price} and {@code listPrice}; set whenever a price is
 * @param listPrice the regular price when {@code price} is a discount, or null
 * @param availability whether it can be bought now
 * @param stock units in stock, or null when the feed does not say
 * @param brand the brand, or null
 * @param categoryPath category names from the root, e.g. {@code [electronics, audio, headphone]}; may be empty
 * @param active false when the shop has withdrawn the item
 * @param updatedAt epoch milliseconds of this version; a newer version replaces an older one, an older is ignored
 */
public record CatalogItem(
        String itemId,
        String title,
        Map<String, String> titles,
        String url,
        String imageUrl,
        Double price,
        String currency,
        Double listPrice,
        Availability availability,
        Integer stock,
        String brand,
        List<String> categoryPath,
        boolean active,
        long updatedAt) {

    /** Active, not out of stock or discontinued, and not with a stock count of zero. */
    public boolean purchasable() {
        return active
                && availability != Availability.OUT_OF_STOCK
                && availability != Availability.DISCONTINUED
                && (stock == null || stock > 0);
    }

    /** The title for a locale: the exact tag, then its language ({@code zh} for {@code zh-CN}), then {@link #title}. */
    public String titleFor(String locale) {
        if (locale != null && titles != null && !titles.isEmpty()) {
            String exact = titles.get(locale);
            if (exact != null) {
                return exact;
            }
            int dash = locale.indexOf('-');
            if (dash > 0) {
                String language = titles.get(locale.substring(0, dash));
                if (language != null) {
                    return language;
                }
            }
        }
        return title;
    }

    /** True when {@code listPrice} is above {@code price}: the e-mail shows "was / now". */
    public boolean discounted() {
        return price != null && listPrice != null && listPrice > price;
    }

    /** The category path joined with " > ", or empty. */
    public String categoryText() {
        return categoryPath == null ? "" : String.join(" > ", categoryPath);
    }
}
