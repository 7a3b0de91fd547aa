package io.mailflow.campaigns.watch;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.Campaigns;
import io.mailflow.model.Availability;
import io.mailflow.model.CatalogItem;
import io.mailflow.model.CatalogUpdate;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Catalog versions and campaigns for the item-watcher tests, at fixed instants (never the wall clock). */
final class WatchFixtures {
    private WatchFixtures() {}

    static final long ONE_HOUR = Duration.ofHours(1).toMillis();
    static final long DAY = Duration.ofDays(1).toMillis();
    /** 2026-03-02T12:00:00Z: midday in Europe, the middle of no quiet hours. */
    static final long NOON = java.time.Instant.parse("2026-03-02T12:00:00Z").toEpochMilli();

    static final CampaignDefinition RESTOCK = Campaigns.of("back-in-stock", "{type: back-in-stock, dedup: 7d}");
    static final CampaignDefinition DROP =
            Campaigns.of("price-drop", "{type: price-drop, minDropShare: 0.1, dedup: 7d}");

    static CatalogItem item(String id, Availability availability, double price, long updatedAt) {
        return new CatalogItem(
                id,
                "Title " + id,
                Map.of("zh-CN", "标题 " + id),
                "https://shop.example.com/p/" + id,
                "https://img.example.com/" + id + ".jpg",
                price,
                "USD",
                null,
                availability,
                null,
                "Acme",
                List.of("electronics", "audio"),
                true,
                updatedAt);
    }

    static CatalogUpdate out(String id, double price, long at) {
        return CatalogUpdate.upsert(item(id, Availability.OUT_OF_STOCK, price, at));
    }

    static CatalogUpdate in(String id, double price, long at) {
        return CatalogUpdate.upsert(item(id, Availability.IN_STOCK, price, at));
    }
}
