package io.mailflow.catalog;

import io.mailflow.model.CatalogItem;
import io.mailflow.model.CatalogPolicy;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.LineItem;
import io.mailflow.model.Recommendation;
import io.mailflow.model.SendRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog's rules for one e-mail request, Flink-free: which of its items and recommendations the e-mail may
 * show, and whether it is sent at all.
 *
 * <ul>
 *   <li>A trigger item (cart, browsed or bought item) is kept when the catalog knows it and it is purchasable;
 *       under {@link CatalogPolicy#KEEP} when the catalog merely knows it.
 *   <li>A recommendation is kept when it is purchasable and, if the campaign's templates show images
 *       ({@code requireImages}), has an image; gaps among the ranking's top are filled by category, then brand,
 *       then rank ({@link RecommendationFallback}).
 *   <li>A request that had items and keeps none is not sent under {@link CatalogPolicy#SKIP} (the default),
 *       and sent with its recommendations alone under {@link CatalogPolicy#RECOMMEND}, when any are left.
 * </ul>
 */
public final class CatalogEnrichment {
    private CatalogEnrichment() {}

    /** Exactly one of {@code request} (to send) and {@code reason} (why not) is set. */
    public record Outcome(EmailRequest request, String reason) {}

    /** The lookups a request is split into: its items in order, then its recommendations. */
    public static List<ItemLookup> split(EmailRequest r) {
        List<String> ids = ids(r);
        List<ItemLookup> out = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            out.add(new ItemLookup(r.requestId(), i, ids.size(), ids.get(i), r.triggeredAt(), false, null));
        }
        return out;
    }

    static List<String> ids(EmailRequest r) {
        List<String> ids = new ArrayList<>();
        for (LineItem i : list(r.items())) {
            ids.add(i.itemId());
        }
        for (Recommendation rec : list(r.recommendations())) {
            ids.add(rec.itemId());
        }
        return ids;
    }

    /**
     * @param looked the catalog entry (or null) per slot, as {@link #split} numbered them
     * @param maxRecommendations how many recommendations to keep at most (the best, in the request's order)
     */
    public static Outcome apply(EmailRequest r, Map<Integer, CatalogItem> looked, int maxRecommendations) {
        SendRules rules = r.rules() == null ? SendRules.none() : r.rules();
        CatalogPolicy policy = rules.catalog();
        List<LineItem> items = list(r.items());
        List<Recommendation> recs = list(r.recommendations());
        Map<String, CatalogItem> products = new LinkedHashMap<>();
        List<LineItem> keptItems = new ArrayList<>();
        int unknown = 0;
        int inactive = 0;
        int unavailable = 0;
        for (int slot = 0; slot < items.size(); slot++) {
            CatalogItem c = looked.get(slot);
            if (c == null) {
                unknown++;
            } else if (!c.active()) {
                inactive++;
            } else if (!c.purchasable()) {
                unavailable++;
            }
            if (c != null && (c.purchasable() || policy == CatalogPolicy.KEEP)) {
                keptItems.add(items.get(slot));
                products.putIfAbsent(c.itemId(), c);
            }
        }
        List<CatalogItem> sellable = new ArrayList<>(recs.size());
        for (int i = 0; i < recs.size(); i++) {
            CatalogItem c = looked.get(items.size() + i);
            sellable.add(c != null && c.purchasable() && (!rules.requireImages() || c.imageUrl() != null) ? c : null);
        }
        List<CatalogItem> anchors = new ArrayList<>();
        for (int slot = 0; slot < items.size(); slot++) {
            anchors.add(looked.get(slot));
        }
        List<Recommendation> keptRecs = new ArrayList<>();
        for (int i : RecommendationFallback.choose(sellable, anchors, maxRecommendations)) {
            keptRecs.add(recs.get(i));
            products.putIfAbsent(sellable.get(i).itemId(), sellable.get(i));
        }
        if (!items.isEmpty() && keptItems.isEmpty()) {
            String why = "none of the request's " + items.size() + " items is purchasable (unknown " + unknown
                    + ", inactive " + inactive + ", out of stock or discontinued " + unavailable + ")";
            if (policy == CatalogPolicy.SKIP) {
                return new Outcome(null, why + "; campaign policy skip");
            }
            if (keptRecs.isEmpty()) {
                return new Outcome(null, why + " and no recommendation is left; campaign policy recommend");
            }
        }
        return new Outcome(r.withCatalog(keptItems, keptRecs, List.copyOf(products.values())), null);
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
