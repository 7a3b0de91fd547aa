package io.mailflow.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.AddressedRequest;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.LineItem;
import io.mailflow.model.Recipient;
import io.mailflow.model.Recommendation;
import io.mailflow.model.SendRules;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every campaign template renders in English and Chinese, strictly, with the recommendations. */
class CampaignTemplatesTest {

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
        "score-threshold,zh-CN",
        "back-in-stock,en",
        "back-in-stock,zh-CN",
        "price-drop,en",
        "price-drop,zh-CN",
        "newsletter,en",
        "newsletter,zh-CN"
    })
    void rendersWithRecommendations(String template, String locale) throws Exception {
        EmailRequest r = new EmailRequest(
                "req-1",
                "c",
                "WIN_BACK",
                template,
                "u1",
                0L,
                "f",
                List.of(new LineItem("sku-1", "shoes", 20.0, 1, 0L)),
                "USD",
                1L,
                "A",
                false,
                2,
                5L,
                0.4,
                7L,
                List.of(new Recommendation("sku-9", 1.0, "co-occurrence"), new Recommendation("sku-8", 0.5, "recent")),
                Map.of(),
                SendRules.none(),
                0L);
        TemplateRenderer.Rendered out = new TemplateRenderer(
                        "", Map.of("shopUrl", "https://shop.test", "shopName", "Test Shop"))
                .render(new AddressedRequest(r, new Recipient("u1@example.com", "Ann", locale, "UTC")));
        assertThat(out.subject()).isNotBlank().contains("Ann");
        assertThat(out.html()).contains("https://shop.test/item/sku-9").contains("https://shop.test/item/sku-8");
        assertThat(out.text()).contains("sku-9");
    }
}
