package io.mailflow.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.Availability;
import io.mailflow.model.CatalogItem;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecommendationFallbackTest {

    static CatalogItem item(String id, String brand, String... path) {
        return new CatalogItem(
                id,
                "Title " + id,
                Map.of(),
                null,
                null,
                9.0,
                "USD",
                null,
                Availability.IN_STOCK,
                null,
                brand,
                List.of(path),
                true,
                0L);
    }

    static final CatalogItem CART = item("cart", "Acme", "electronics", "audio");

    @Test
    void theUsersOwnSellableCandidatesStayInRankOrder() {
        List<CatalogItem> c = Arrays.asList(
                item("a", "Zed", "garden"), item("b", "Zed", "garden"), item("c", "Acme", "electronics", "audio"));
        assertThat(RecommendationFallback.choose(c, List.of(CART), 2)).containsExactly(0, 1);
    }

    @Test
    void aGapIsFilledBySameCategoryPathThenSameBrandThenRank() {
        List<CatalogItem> c = Arrays.asList(
                null, // own, unsellable
                item("own", "Zed", "garden"),
                null, // own, unsellable
                item("popular", "Other", "kitchen"),
                item("brand", "Acme", "toys"),
                item("category", "Other", "electronics", "audio"),
                item("parent-only", "Other", "electronics"));
        assertThat(RecommendationFallback.choose(c, List.of(CART), 3))
                .as("own, then the same category path, then the same brand")
                .containsExactly(1, 5, 4);
        assertThat(RecommendationFallback.choose(c, List.of(CART), 5))
                .as("five own slots keep the sellable own ones; the gaps take the category, then the rest by rank")
                .containsExactly(1, 3, 4, 5, 6);
        CatalogItem other = item("cart2", "Other", "garden");
        assertThat(RecommendationFallback.choose(c, List.of(other), 3))
                .as("same brand as another anchor item, before an unrelated category")
                .containsExactly(1, 3, 5);
    }

    @Test
    void withoutAnchorsTheSparesFillInRankOrder() {
        List<CatalogItem> c = Arrays.asList(null, item("x", "Acme", "a"), item("y", "Acme", "b"));
        assertThat(RecommendationFallback.choose(c, Arrays.asList((CatalogItem) null), 1))
                .containsExactly(1);
    }

    @Test
    void fewerCandidatesThanSlotsKeepsWhatIsSellable() {
        List<CatalogItem> c = Arrays.asList(null, null);
        assertThat(RecommendationFallback.choose(c, List.of(CART), 6)).isEmpty();
    }
}
