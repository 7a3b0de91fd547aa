package io.mailflow.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.AddressedRequest;
import io.mailflow.model.Availability;
import io.mailflow.model.CatalogItem;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.LineItem;
import io.mailflow.model.Recipient;
import io.mailflow.model.Recommendation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Templates with catalog data: product cards with image, localized title and locale-formatted prices. */
class ProductCardsTest {
    private static final Map<String, Object> GLOBALS = Map.of("shopUrl", "https://shop.test", "shopName", "Test Shop");

    private static CatalogItem product(String id, String en, String zh, double price, Double list, String cur) {
        return new CatalogItem(
                id,
                en,
                Map.of("zh-CN", zh),
                "https://shop.test/p/" + id,
                "https://img.test/" + id + ".jpg",
                price,
                cur,
                list,
                Availability.IN_STOCK,
                null,
                "Acme",
                List.of("audio"),
                true,
                0L);
    }

    private static AddressedRequest request(String template, String locale, String currency) {
        EmailRequest r = new EmailRequest(
                        "req-1",
                        "c",
                        "ABANDONED_CART",
                        template,
                        "u1",
                        0L,
                        "u1@0",
                        List.of(new LineItem("sku-1", "audio", 1299.0, 1, 0L)),
                        currency)
                .withCatalog(
                        List.of(new LineItem("sku-1", "audio", 1299.0, 1, 0L)),
                        List.of(new Recommendation("sku-2", 1.0, "popular")),
                        List.of(
                                product("sku-1", "Headphones", "耳机", 1299.0, 1499.0, currency),
                                product("sku-2", "Cable", "线缆", 7.03, null, currency)));
        return new AddressedRequest(r, new Recipient("u1@example.com", "Ann", locale, "UTC"));
    }

    @Test
    void zhCnCardsShowTheChineseTitleYuanPricesAndWasNow() throws Exception {
        TemplateRenderer.Rendered r =
                new TemplateRenderer("", GLOBALS).render(request("abandoned-cart", "zh-CN", "CNY"));
        assertThat(r.html())
                .contains("alt=\"耳机\"")
                .contains("src=\"https://img.test/sku-1.jpg\"")
                .contains("¥1,299.00")
                .contains("line-through;\">¥1,499.00")
                .contains(">线缆</a>")
                .doesNotContain("1299.00 CNY");
        assertThat(r.text()).contains("- 耳机  ¥1,299.00 (原价 ¥1,499.00)  https://shop.test/p/sku-1");
        assertThat(r.text()).contains("合计：¥1,299.00");
    }

    @Test
    void enUsCardsShowDollars() throws Exception {
        TemplateRenderer.Rendered r =
                new TemplateRenderer("", GLOBALS).render(request("abandoned-cart", "en-US", "USD"));
        assertThat(r.html())
                .contains("alt=\"Headphones\"")
                .contains("$1,299.00")
                .contains("$7.03");
        assertThat(r.text())
                .contains("- Cable  $7.03  https://shop.test/p/sku-2")
                .contains("Total: $1,299.00");
    }

    @ParameterizedTest
    @CsvSource({
        "abandoned-cart,en",
        "abandoned-cart,zh-CN",
        "abandoned-cart-b,en",
        "browse-abandonment,en",
        "browse-abandonment,zh-CN",
        "post-purchase,en",
        "post-purchase,zh-CN",
        "win-back,en",
        "win-back,zh-CN",
        "segment-entry,en",
        "segment-entry,zh-CN",
        "score-threshold,en",
        "score-threshold,zh-CN"
    })
    void everyTemplateShowsTheRecommendationAsACard(String template, String locale) throws Exception {
        TemplateRenderer.Rendered r = new TemplateRenderer("", GLOBALS).render(request(template, locale, "USD"));
        String title = locale.equals("zh-CN") ? "线缆" : "Cable";
        assertThat(r.html())
                .contains("alt=\"" + title + "\"")
                .contains(locale.equals("zh-CN") ? "US$7.03" : "$7.03"); // CLDR: "$" in en, "US$" in zh-CN
        assertThat(r.text()).contains(title).doesNotContain("sku-2  https://shop.test/item/sku-2");
    }

    @Test
    void moneyFollowsTheRecipientsLocaleAndTheCurrency() {
        assertThat(Money.format(1299, "CNY", "zh-CN")).isEqualTo("¥1,299.00");
        assertThat(Money.format(7.03, "USD", "en-US")).isEqualTo("$7.03");
        assertThat(Money.format(7.03, "EUR", "de-DE"))
                .isEqualTo("7,03\u00a0€"); // CLDR: a no-break space before the sign
        assertThat(Money.format(1299, "JPY", "ja-JP")).isEqualTo("￥1,299");
        assertThat(Money.format(7.5, "", "en")).isEqualTo("7.50");
        assertThat(Money.format(7.5, "XYZ", "en")).isEqualTo("7.50 XYZ");
    }
}
