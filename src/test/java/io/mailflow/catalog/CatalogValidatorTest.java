package io.mailflow.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.Availability;
import io.mailflow.model.CatalogItem;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CatalogValidatorTest {
    private static final long NOW = CatalogFixtures.NOON;
    private final CatalogValidator v = new CatalogValidator(Duration.ofHours(1));

    private CatalogValidator.Result check(String key, String json) {
        return v.validate(
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8), NOW);
    }

    @Test
    void readsAFullItem() {
        CatalogValidator.Result r = check(
                "sku-1",
                "{\"itemId\":\"sku-1\",\"title\":\"Headphones\",\"titles\":{\"zh-CN\":\"耳机\"},"
                        + "\"url\":\"https://shop.example.com/p/sku-1\",\"imageUrl\":\"https://img.example.com/1.jpg\","
                        + "\"price\":1299,\"currency\":\"CNY\",\"listPrice\":1499.5,\"stock\":3,\"brand\":\"Acme\","
                        + "\"categoryPath\":\"electronics.audio.headphone\",\"updatedAt\":\"2026-11-29T11:00:00Z\"}");
        assertThat(r.error()).isNull();
        CatalogItem i = r.update().item();
        assertThat(i.titleFor("zh-CN")).isEqualTo("耳机");
        assertThat(i.titleFor("zh-TW")).isEqualTo("Headphones"); // no zh title: the default
        assertThat(i.titleFor("en-US")).isEqualTo("Headphones");
        assertThat(i.categoryPath()).containsExactly("electronics", "audio", "headphone");
        assertThat(i.availability()).isEqualTo(Availability.IN_STOCK);
        assertThat(i.active()).isTrue();
        assertThat(i.discounted()).isTrue();
        assertThat(i.purchasable()).isTrue();
        assertThat(i.updatedAt()).isEqualTo(NOW - 3_600_000L);
    }

    @Test
    void languageFallbackAndStockZeroIsOutOfStock() {
        CatalogItem i = check(null, "{\"itemId\":\"s\",\"title\":\"T\",\"titles\":{\"zh\":\"标\"},\"stock\":0}")
                .update()
                .item();
        assertThat(i.titleFor("zh-CN")).isEqualTo("标");
        assertThat(i.availability()).isEqualTo(Availability.OUT_OF_STOCK);
        assertThat(i.purchasable()).isFalse();
    }

    @Test
    void aTombstoneRemovesTheKeyedItem() {
        CatalogValidator.Result r = v.validate("sku-9".getBytes(StandardCharsets.UTF_8), new byte[0], NOW);
        assertThat(r.update().removed()).isTrue();
        assertThat(r.update().itemId()).isEqualTo("sku-9");
        assertThat(v.validate(null, new byte[0], NOW).error()).contains("tombstone");
    }

    @Test
    void everyBadFieldIsAReasonNeverAnException() {
        assertThat(check(null, "{\"title\":\"T\"}").error()).contains("itemId");
        assertThat(check(null, "{\"itemId\":\"s\"}").error()).contains("title");
        assertThat(check(null, "{\"itemId\":\"s k\",\"title\":\"T\"}").error()).contains("itemId");
        assertThat(check(null, "{\"itemId\":\"s\",\"title\":\"T\",\"price\":5}").error())
                .contains("currency");
        assertThat(check(null, "{\"itemId\":\"s\",\"title\":\"T\",\"price\":-1,\"currency\":\"USD\"}")
                        .error())
                .contains("price");
        assertThat(check(null, "{\"itemId\":\"s\",\"title\":\"T\",\"price\":\"NaN\",\"currency\":\"USD\"}")
                        .error())
                .contains("price");
        assertThat(check(null, "{\"itemId\":\"s\",\"title\":\"T\",\"url\":\"javascript:alert(1)\"}")
                        .error())
                .contains("url");
        assertThat(check(null, "{\"itemId\":\"s\",\"title\":\"T\",\"imageUrl\":\"http://x/a b\"}")
                        .error())
                .contains("imageUrl");
        assertThat(check(null, "{\"itemId\":\"s\",\"title\":\"T\u202E\"}").error())
                .contains("bidirectional");
        assertThat(check(null, "{\"itemId\":\"s\",\"title\":\"" + "x".repeat(301) + "\"}")
                        .error())
                .contains("limit 300");
        assertThat(check(null, "{\"itemId\":\"s\",\"title\":\"T\",\"titles\":{\"not a locale\":\"x\"}}")
                        .error())
                .contains("locale");
        assertThat(check(null, "{\"itemId\":\"s\",\"title\":\"T\",\"availability\":\"maybe\"}")
                        .error())
                .contains("availability");
        assertThat(check(null, "{\"itemId\":\"s\",\"title\":\"T\",\"categoryPath\":\"a.b.c.d.e.f.g.h.i\"}")
                        .error())
                .contains("levels");
        assertThat(check(null, "{\"itemId\":\"s\",\"title\":\"T\",\"active\":\"yes\"}")
                        .error())
                .contains("active");
        assertThat(check(null, "{\"itemId\":\"s\",\"title\":\"T\",\"updatedAt\":1895950000000}")
                        .error())
                .contains("ahead");
        assertThat(check("other", "{\"itemId\":\"s\",\"title\":\"T\"}").error()).contains("record key");
        assertThat(check(null, "[1,2]").error()).isNotNull();
        assertThat(check(
                                null,
                                "{\"itemId\":\"s\",\"title\":\"T\",\"titles\":" + "{\"a\":".repeat(40) + "1"
                                        + "}".repeat(41))
                        .error())
                .isNotNull();
    }

    @Test
    void aWithdrawnItemIsNotPurchasable() {
        CatalogItem i = check(null, "{\"itemId\":\"s\",\"title\":\"T\",\"active\":false}")
                .update()
                .item();
        assertThat(i.purchasable()).isFalse();
    }
}
