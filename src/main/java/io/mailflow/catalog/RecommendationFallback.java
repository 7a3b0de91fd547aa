package io.mailflow.catalog;

import io.mailflow.model.CatalogItem;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Which recommendation candidates an e-mail keeps once the catalog has removed the unsellable ones, Flink-free.
 *
 * <p>The ranking hands over more candidates than an e-mail shows ({@code CatalogSettings.CANDIDATE_FACTOR} times):
 * the first {@code max} are the user's own, the rest are spares. The sellable own candidates stay, in rank order.
 * A gap left by a removed one is filled from the sellable spares in tiers: first those in the same category path
 * as one of the e-mail's own items (the cart, the browsed or the restocked item), then those of the same brand,
 * then the rest in rank order (the ranking ends with its segment's and the shop's popular items). Within a tier
 * the rank order holds, so the outcome depends on the candidates and the catalog alone.
 */
public final class RecommendationFallback {
    private RecommendationFallback() {}

    /**
     * @param candidates the catalog entry of each candidate in rank order, null for an unsellable one (unknown,
     *     not purchasable, or without an image when one is required)
     * @param anchors the catalog entries of the e-mail's own items (null entries are ignored)
     * @param max how many recommendations the e-mail shows at most
     * @return the indexes of the kept candidates, in the order the e-mail shows them
     */
    public static List<Integer> choose(List<CatalogItem> candidates, Collection<CatalogItem> anchors, int max) {
        List<Integer> kept = new ArrayList<>();
        int own = Math.min(max, candidates.size());
        for (int i = 0; i < own; i++) {
            if (candidates.get(i) != null) {
                kept.add(i);
            }
        }
        if (kept.size() == max) {
            return kept;
        }
        List<List<String>> paths = new ArrayList<>();
        List<String> brands = new ArrayList<>();
        for (CatalogItem a : anchors) {
            if (a == null) {
                continue;
            }
            if (a.categoryPath() != null && !a.categoryPath().isEmpty()) {
                paths.add(a.categoryPath());
            }
            if (a.brand() != null && !a.brand().isBlank()) {
                brands.add(a.brand());
            }
        }
        for (int tier = 0; tier < 3 && kept.size() < max; tier++) {
            for (int i = own; i < candidates.size() && kept.size() < max; i++) {
                CatalogItem c = candidates.get(i);
                if (c != null && !kept.contains(i) && tierOf(c, paths, brands) == tier) {
                    kept.add(i);
                }
            }
        }
        return kept;
    }

    /** 0: same category path as an anchor; 1: same brand; 2: any other. */
    static int tierOf(CatalogItem c, List<List<String>> paths, List<String> brands) {
        if (c.categoryPath() != null && !c.categoryPath().isEmpty() && paths.contains(c.categoryPath())) {
            return 0;
        }
        for (String b : brands) {
            if (Objects.equals(b, c.brand())) {
                return 1;
            }
        }
        return 2;
    }
}
