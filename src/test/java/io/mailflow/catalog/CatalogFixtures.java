package io.mailflow.catalog;

import io.mailflow.model.Availability;
import io.mailflow.model.CatalogItem;
import io.mailflow.model.CatalogPolicy;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.LineItem;
import io.mailflow.model.Recommendation;
import io.mailflow.model.SendRules;
import java.util.List;
import java.util.Map;

/** Named catalog items and requests for the catalog tests (fixed instants, no clock). */
final class CatalogFixtures {
    private CatalogFixtures() {}

    /** 2026-11-29T12:00:00Z */
    static final long NOON = 1_795_953_600_000L;

    static final long ONE_MINUTE_LATER = NOON + 60_000L;

    static CatalogItem item(String id, Availability availability, boolean active, String image) {
        return new CatalogItem(
                id,
                "Title " + id,
                Map.of("zh-CN", "标题 " + id),
                "https://shop.example.com/p/" + id,
                image,
                7.03,
                "USD",
                null,
                availability,
                null,
                "Acme",
                List.of("electronics", "audio"),
                active,
                NOON);
    }

    static CatalogItem inStock(String id) {
        return item(id, Availability.IN_STOCK, true, "https://img.example.com/" + id + ".jpg");
    }

    static EmailRequest request(
            String id, List<String> items, List<String> recs, CatalogPolicy policy, boolean images) {
        List<LineItem> lines =
                items.stream().map(i -> new LineItem(i, "c1", 7.03, 1, NOON)).toList();
        List<Recommendation> recommendations =
                recs.stream().map(r -> new Recommendation(r, 1.0, "popular")).toList();
        return new EmailRequest(
                id,
                "abandoned-cart",
                "ABANDONED_CART",
                "abandoned-cart",
                "u1",
                NOON,
                "u1@" + NOON,
                lines,
                "USD",
                1L,
                "default",
                false,
                null,
                null,
                null,
                null,
                recommendations,
                Map.of(),
                new SendRules(0, 0L, 0, 0L, "", 0L, false, policy.wireName(), images),
                NOON);
    }
}
