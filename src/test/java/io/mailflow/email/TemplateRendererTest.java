package io.mailflow.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.model.AddressedRequest;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.LineItem;
import io.mailflow.model.Recipient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateRendererTest {
    private static final Map<String, Object> GLOBALS = Map.of("shopUrl", "https://shop.test", "shopName", "Test Shop");

    static AddressedRequest request(String templateId, String name, String locale) {
        EmailRequest r = new EmailRequest(
                "req-1",
                "abandoned-cart",
                "ABANDONED_CART",
                templateId,
                "u1",
                0L,
                "u1@0",
                List.of(new LineItem("sku-1", "shoes", 20.0, 2, 0L), new LineItem("sku-2", "socks", 3.5, 1, 0L)),
                "USD");
        return new AddressedRequest(r, new Recipient("u1@example.com", name, locale, "UTC"));
    }

    @Test
    void rendersSubjectHtmlAndTextWithTheCart() throws Exception {
        TemplateRenderer.Rendered r = new TemplateRenderer("", GLOBALS).render(request("abandoned-cart", "Ann", "en"));
        assertThat(r.subject()).isEqualTo("Ann, you left 2 items in your cart");
        assertThat(r.html())
                .contains("<a href=\"https://shop.test/item/sku-1\">sku-1</a>")
                .contains("43.50 USD");
        assertThat(r.text()).contains("- sku-2 (socks) x 1  3.50 USD").contains("Total: 43.50 USD");
    }

    @Test
    void escapesUserValuesInHtmlButNotInText() throws Exception {
        TemplateRenderer.Rendered r =
                new TemplateRenderer("", GLOBALS).render(request("abandoned-cart", "<b>Ann</b> & Co", "en"));
        assertThat(r.html()).contains("Hi &lt;b&gt;Ann&lt;/b&gt; &amp; Co,").doesNotContain("<b>Ann</b>");
        assertThat(r.text()).contains("Hi <b>Ann</b> & Co,");
    }

    @Test
    void picksTheLocaleAndFallsBackToLanguageThenEnglish() throws Exception {
        TemplateRenderer renderer = new TemplateRenderer("", GLOBALS);
        assertThat(renderer.render(request("abandoned-cart", "小明", "zh-CN")).subject())
                .isEqualTo("小明，您的购物车里还有 2 件商品");
        assertThat(renderer.render(request("abandoned-cart", "Jo", "fr-CA")).subject())
                .isEqualTo("Jo, you left 2 items in your cart");
    }

    @Test
    void missingReferenceNamesTemplateAndLine(@TempDir Path dir) throws Exception {
        write(dir, "broken/en/subject.vm", "Hello $name");
        write(dir, "broken/en/html.vm", "<p>line one</p>\n<p>$nosuchvariable</p>\n");
        write(dir, "broken/en/text.vm", "text");
        TemplateRenderer renderer = new TemplateRenderer(dir.toString(), GLOBALS);
        assertThatThrownBy(() -> renderer.render(request("broken", "Ann", "en")))
                .isInstanceOfSatisfying(TemplateException.class, e -> {
                    assertThat(e.template()).isEqualTo("templates/broken/en/html.vm");
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.getMessage()).contains("$nosuchvariable");
                });
    }

    @Test
    void syntaxErrorNamesTemplateAndLine(@TempDir Path dir) throws Exception {
        write(dir, "broken/en/subject.vm", "Hello\n\n#foreach($x in)\nx\n#end\n");
        TemplateRenderer renderer = new TemplateRenderer(dir.toString(), GLOBALS);
        assertThatThrownBy(() -> renderer.render(request("broken", "Ann", "en")))
                .isInstanceOfSatisfying(TemplateException.class, e -> {
                    assertThat(e.template()).isEqualTo("templates/broken/en/subject.vm");
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.getMessage()).contains("syntax error");
                });
    }

    @Test
    void unknownTemplateIsAnError() {
        assertThatThrownBy(() -> new TemplateRenderer("", GLOBALS).render(request("nope", "Ann", "en")))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("template not found");
    }

    private static void write(Path dir, String rel, String content) throws Exception {
        Path p = dir.resolve("templates").resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }
}
