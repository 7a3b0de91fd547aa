package io.mailflow.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.model.AddressedRequest;
import io.mailflow.model.Recipient;
import io.mailflow.model.RenderedEmail;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EmailComposerTest {
    static final String SECRET = "composer-test-secret-123";

    static EmailComposer composer(boolean pixel) {
        return new EmailComposer(new EmailComposer.Settings("", "shop@mailflow.test", "https://t.example.com/mf/", "",
                pixel, Duration.ofDays(1), SECRET, Map.of("shopUrl", "https://shop.test", "shopName", "Test Shop")));
    }

    @Test
    void headersIdsAndTokens() throws Exception {
        RenderedEmail e = composer(false).compose(TemplateRendererTest.request("abandoned-cart", "Ann", "en"), 1_000);
        assertThat(e.messageId()).isEqualTo("<req-1@mailflow.test>");
        assertThat(e.listUnsubscribe()).matches("<mailto:unsubscribe@mailflow\\.test\\?subject=unsubscribe%20[A-Za-z0-9_.-]+>, "
                + "<https://t\\.example\\.com/mf/unsubscribe\\?t=[A-Za-z0-9_.-]+>");
        String token = e.listUnsubscribe().replaceAll(".*\\?t=([^>]+)>$", "$1");
        SignedTokens.Verification v = new SignedTokens(SECRET).verify(token, 1_000);
        assertThat(v.status()).isEqualTo(SignedTokens.Status.VALID);
        assertThat(v.claims().userId()).isEqualTo("u1");
        assertThat(v.claims().requestId()).isEqualTo("req-1");
        assertThat(v.claims().expiresAtSeconds()).isEqualTo(1_000 + 86_400);
        assertThat(e.html()).contains("href=\"https://t.example.com/mf/unsubscribe?t=" + token + "\"");
        assertThat(e.text()).contains("https://t.example.com/mf/unsubscribe?t=" + token);
    }

    @Test
    void linksBecomeSignedRedirectsWithUtmParameters() throws Exception {
        RenderedEmail e = composer(false).compose(TemplateRendererTest.request("abandoned-cart", "Ann", "en"), 1_000);
        Matcher m = Pattern.compile("href=\"https://t\\.example\\.com/mf/r\\?u=([^&\"]+)&amp;t=([^\"]+)\"").matcher(e.html());
        assertThat(m.find()).isTrue();
        String target = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
        assertThat(target).isEqualTo("https://shop.test/item/sku-1?utm_source=mailflow&utm_medium=email&utm_campaign=abandoned-cart");
        assertThat(new SignedTokens(SECRET).verify(m.group(2), 1_000).claims().kind()).isEqualTo("c");
        assertThat(e.html()).doesNotContain("href=\"https://shop.test/");
        assertThat(e.html()).doesNotContain("/o/");
    }

    @Test
    void openPixelIsOptional() throws Exception {
        RenderedEmail e = composer(true).compose(TemplateRendererTest.request("abandoned-cart", "Ann", "en"), 1_000);
        assertThat(e.html()).containsPattern("<img src=\"https://t\\.example\\.com/mf/o/[A-Za-z0-9_.-]+\\.gif\" width=\"1\" height=\"1\"");
    }

    @Test
    void lineBreaksInHeaderValuesAreBlocked() {
        AddressedRequest a = TemplateRendererTest.request("abandoned-cart", "Ann", "en");
        AddressedRequest evil = new AddressedRequest(a.request(), new Recipient("u1@example.com", "Ann\r\nBcc: victim@example.org", "en", "UTC"));
        assertThatThrownBy(() -> composer(false).compose(evil, 1_000))
                .hasMessage("header injection blocked: To display name contains a line break or NUL");
    }
}
