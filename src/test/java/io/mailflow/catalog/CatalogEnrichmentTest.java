package io.mailflow.catalog;

import static io.mailflow.catalog.CatalogFixtures.inStock;
import static io.mailflow.catalog.CatalogFixtures.item;
import static io.mailflow.catalog.CatalogFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.Availability;
import io.mailflow.model.CatalogItem;
import io.mailflow.model.CatalogPolicy;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.LineItem;
import io.mailflow.model.Recommendation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogEnrichmentTest {

    private static Map<Integer, CatalogItem> slots(CatalogItem... items) {
        Map<Integer, CatalogItem> m = new HashMap<>();
        for (int i = 0; i < items.length; i++) {
            if (items[i] != null) {
                m.put(i, items[i]);
            }
        }
        return m;
    }

    @Test
    void splitNumbersItemsThenRecommendations() {
        EmailRequest r = request("r1", List.of("a", "b"), List.of("c"), CatalogPolicy.SKIP, false);
        assertThat(CatalogEnrichment.split(r))
                .extracting(ItemLookup::slot, ItemLookup::itemId, ItemLookup::parts)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0, "a", 3),
                        org.assertj.core.groups.Tuple.tuple(1, "b", 3),
                        org.assertj.core.groups.Tuple.tuple(2, "c", 3));
    }

    @Test
    void keepsPurchasableItemsAndRecommendationsWithTheirProducts() {
        EmailRequest r = request("r1", List.of("a", "b"), List.of("c", "d", "e"), CatalogPolicy.SKIP, true);
        CatalogEnrichment.Outcome o = CatalogEnrichment.apply(
                r,
                slots(
                        inStock("a"),
                        item("b", Availability.OUT_OF_STOCK, true, null),
                        inStock("c"),
                        item("d", Availability.IN_STOCK, true, null), // no image, and the campaign needs one
                        item("e", Availability.IN_STOCK, false, "https://img.example.com/e.jpg")),
                5); // inactive
        assertThat(o.reason()).isNull();
        assertThat(o.request().items()).extracting(LineItem::itemId).containsExactly("a");
        assertThat(o.request().recommendations())
                .extracting(Recommendation::itemId)
                .containsExactly("c");
        assertThat(o.request().products()).extracting(CatalogItem::itemId).containsExactly("a", "c");
        assertThat(o.request().product("c").brand()).isEqualTo("Acme");
    }

    @Test
    void imagelessRecommendationsStayWhenTheCampaignDoesNotNeedImages() {
        EmailRequest r = request("r1", List.of(), List.of("d"), CatalogPolicy.SKIP, false);
        CatalogEnrichment.Outcome o =
                CatalogEnrichment.apply(r, slots(item("d", Availability.IN_STOCK, true, null)), 5);
        assertThat(o.request().recommendations())
                .extracting(Recommendation::itemId)
                .containsExactly("d");
    }

    @Test
    void allItemsUnavailableSkipsByDefault() {
        EmailRequest r = request("r1", List.of("a", "b", "x"), List.of("c"), CatalogPolicy.SKIP, false);
        CatalogEnrichment.Outcome o = CatalogEnrichment.apply(
                r,
                slots(
                        item("a", Availability.DISCONTINUED, true, null),
                        item("b", Availability.IN_STOCK, false, null),
                        null,
                        inStock("c")),
                5);
        assertThat(o.request()).isNull();
        assertThat(o.reason())
                .isEqualTo("none of the request's 3 items is purchasable (unknown 1, inactive 1, out of stock or"
                        + " discontinued 1); campaign policy skip");
    }

    @Test
    void allItemsUnavailableFallsBackToRecommendationsWhenTheCampaignSaysSo() {
        EmailRequest r = request("r1", List.of("a"), List.of("c"), CatalogPolicy.RECOMMEND, false);
        CatalogEnrichment.Outcome o = CatalogEnrichment.apply(r, slots(null, inStock("c")), 5);
        assertThat(o.request().items()).isEmpty();
        assertThat(o.request().recommendations())
                .extracting(Recommendation::itemId)
                .containsExactly("c");

        CatalogEnrichment.Outcome none = CatalogEnrichment.apply(r, slots(null, null), 5);
        assertThat(none.request()).isNull();
        assertThat(none.reason()).contains("no recommendation is left");
    }

    @Test
    void keepShowsKnownItemsEvenWhenSoldOut() {
        EmailRequest r = request("r1", List.of("a", "x"), List.of(), CatalogPolicy.KEEP, false);
        CatalogEnrichment.Outcome o =
                CatalogEnrichment.apply(r, slots(item("a", Availability.OUT_OF_STOCK, true, null), null), 5);
        assertThat(o.request().items()).extracting(LineItem::itemId).containsExactly("a");
    }

    @Test
    void keepsOnlyTheBestRecommendationsTheCatalogAllows() {
        EmailRequest r = request("r1", List.of(), List.of("a", "b", "c", "d"), CatalogPolicy.SKIP, false);
        CatalogEnrichment.Outcome o = CatalogEnrichment.apply(
                r,
                slots(item("a", Availability.OUT_OF_STOCK, true, null), inStock("b"), inStock("c"), inStock("d")),
                2);
        assertThat(o.request().recommendations())
                .extracting(Recommendation::itemId)
                .containsExactly("b", "c");
        assertThat(o.request().products()).extracting(CatalogItem::itemId).containsExactly("b", "c");
    }

    @Test
    void aRequestWithoutItemsOrRecommendationsPassesUnchanged() {
        EmailRequest r = request("r1", List.of(), List.of(), CatalogPolicy.SKIP, false);
        assertThat(CatalogEnrichment.apply(r, Map.of(), 5).request().requestId())
                .isEqualTo("r1");
    }
}
