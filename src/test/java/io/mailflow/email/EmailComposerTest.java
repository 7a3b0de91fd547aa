package io.mailflow.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.model.AddressedRequest;
import io.mailflow.model.Recipient;
import io.mailflow.model.RenderedEmail;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmailComposerTest {
    static final String SECRET = "composer-test-secret-123";

    static SignedTokens tokens() {
        return new SignedTokens(Keyring.of(EmailComposer.DEFAULT_LINK_KEY_ID, SECRET));
    }

    static EmailComposer composer(boolean pixel) {
        return new EmailComposer(new EmailComposer.Settings(
                "",
                "shop@mailflow.test",
                "https://t.example.com/mf/",
                "",
                pixel,
                Duration.ofDays(1),
                SECRET,
                Map.of("shopUrl", "https://shop.test", "shopName", "Test Shop")));
    }

    @Test
    void headersIdsAndTokens() throws Exception {
        RenderedEmail e = composer(false).compose(TemplateRendererTest.request("abandoned-cart", "Ann", "en"), 1_000);
        assertThat(e.messageId()).isEqualTo("<req-1@mailflow.test>");
        assertThat(e.listUnsubscribe())
                .matches("<mailto:unsubscribe@mailflow\\.test\\?subject=unsubscribe%20[A-Za-z0-9_.-]+>, "
                        + "<https://t\\.example\\.com/mf/unsubscribe\\?t=[A-Za-z0-9_.-]+>");
        String token = e.listUnsubscribe().replaceAll(".*\\?t=([^>]+)>$", "$1");
        SignedTokens.Verification v = tokens().verify(token, SignedTokens.Kind.UNSUBSCRIBE, 1_000);
        assertThat(v.status()).isEqualTo(SignedTokens.Status.VALID);
        assertThat(v.claims().userId()).isEqualTo("u1");
        assertThat(v.claims().requestId()).isEqualTo("req-1");
        assertThat(v.claims().expiresAtSeconds()).isEqualTo(1_000 + 86_400);
        assertThat(e.html()).contains("href=\"https://t.example.com/mf/unsubscribe?t=" + token + "\"");
        assertThat(e.text()).contains("https://t.example.com/mf/unsubscribe?t=" + token);
        // the footer links the preference page with the same token, untracked like the unsubscribe link
        assertThat(e.html()).contains("href=\"https://t.example.com/mf/preferences?t=" + token + "\"");
        assertThat(e.text()).contains("https://t.example.com/mf/preferences?t=" + token);
    }

    @Test
    void theRenderedEmailCarriesTheRequestsVariant() throws Exception {
        AddressedRequest a = TemplateRendererTest.request("abandoned-cart", "Ann", "en");
        io.mailflow.model.EmailRequest r = a.request();
        io.mailflow.model.EmailRequest b = new io.mailflow.model.EmailRequest(
                r.requestId(),
                r.campaignId(),
                r.trigger(),
                r.templateId(),
                r.userId(),
                r.triggeredAt(),
                r.sessionKey(),
                r.items(),
                r.currency(),
                3L,
                "B",
                false,
                null,
                null,
                null,
                null,
                List.of(),
                Map.of(),
                r.rules(),
                r.scheduledAt());
        RenderedEmail e = composer(false).compose(new AddressedRequest(b, a.recipient()), 1_000);
        assertThat(e.variant()).isEqualTo("B");
    }

    @Test
    void linksBecomeSignedRedirectsWithUtmParameters() throws Exception {
        RenderedEmail e = composer(false).compose(TemplateRendererTest.request("abandoned-cart", "Ann", "en"), 1_000);
        Matcher m = Pattern.compile("href=\"https://t\\.example\\.com/mf/r\\?u=([^&\"]+)&amp;t=([^\"]+)\"")
                .matcher(e.html());
        assertThat(m.find()).isTrue();
        String target = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
        assertThat(target)
                .isEqualTo(
                        "https://shop.test/item/sku-1?utm_source=mailflow&utm_medium=email&utm_campaign=abandoned-cart");
        assertThat(tokens().verify(m.group(2), SignedTokens.Kind.CLICK, target, 1_000)
                        .status())
                .isEqualTo(SignedTokens.Status.VALID);
        assertThat(e.html()).doesNotContain("href=\"https://shop.test/");
        assertThat(e.html()).doesNotContain("/o/");
    }

    @Test
    void eachLinkHasItsOwnTokenGoodForThatLinkOnly() throws Exception {
        RenderedEmail e = composer(false).compose(TemplateRendererTest.request("abandoned-cart", "Ann", "en"), 1_000);
        Matcher m = Pattern.compile("href=\"https://t\\.example\\.com/mf/r\\?u=([^&\"]+)&amp;t=([^\"]+)\"")
                .matcher(e.html());
        List<String[]> links = new ArrayList<>();
        while (m.find()) {
            links.add(new String[] {URLDecoder.decode(m.group(1), StandardCharsets.UTF_8), m.group(2)});
        }
        assertThat(links).hasSizeGreaterThanOrEqualTo(3);
        assertThat(links.stream().map(l -> l[1]).distinct()).hasSameSizeAs(links);
        String[] first = links.get(0);
        String[] second = links.get(1);
        assertThat(tokens().verify(first[1], SignedTokens.Kind.CLICK, second[0], 1_000)
                        .status())
                .isEqualTo(SignedTokens.Status.FORGED);
        assertThat(tokens().verify(first[1], SignedTokens.Kind.CLICK, "https://evil.example/", 1_000)
                        .status())
                .isEqualTo(SignedTokens.Status.FORGED);
        // an unsubscribe token is no click token
        String unsubscribe = e.listUnsubscribe().replaceAll(".*\\?t=([^>]+)>$", "$1");
        assertThat(tokens().verify(unsubscribe, SignedTokens.Kind.CLICK, first[0], 1_000)
                        .status())
                .isEqualTo(SignedTokens.Status.WRONG_KIND);
    }

    @Test
    void openPixelIsOptionalAndCarriesAnOpenToken() throws Exception {
        RenderedEmail e = composer(true).compose(TemplateRendererTest.request("abandoned-cart", "Ann", "en"), 1_000);
        Matcher m = Pattern.compile(
                        "<img src=\"https://t\\.example\\.com/mf/o/([A-Za-z0-9_.-]+)\\.gif\" width=\"1\" height=\"1\"")
                .matcher(e.html());
        assertThat(m.find()).isTrue();
        assertThat(tokens().verify(m.group(1), SignedTokens.Kind.OPEN, 1_000).status())
                .isEqualTo(SignedTokens.Status.VALID);
        assertThat(tokens().verify(m.group(1), SignedTokens.Kind.UNSUBSCRIBE, 1_000)
                        .status())
                .isEqualTo(SignedTokens.Status.WRONG_KIND);
    }

    @Test
    void tokensCarryTheConfiguredKeyIdAndAPreviousKeyIsStillAccepted() throws Exception {
        String previous = "k1,2026-04-01T00:00:00Z," + SECRET;
        EmailComposer rotated = new EmailComposer(new EmailComposer.Settings(
                "",
                "shop@mailflow.test",
                "https://t.example.com/mf/",
                "",
                false,
                Duration.ofDays(1),
                "composer-rotated-secret-456",
                Map.of("shopUrl", "https://shop.test", "shopName", "Test Shop"),
                "k2",
                previous));
        RenderedEmail before =
                composer(false).compose(TemplateRendererTest.request("abandoned-cart", "Ann", "en"), 1_000);
        RenderedEmail after = rotated.compose(TemplateRendererTest.request("abandoned-cart", "Ann", "en"), 1_000);
        String oldToken = before.listUnsubscribe().replaceAll(".*\\?t=([^>]+)>$", "$1");
        String newToken = after.listUnsubscribe().replaceAll(".*\\?t=([^>]+)>$", "$1");
        assertThat(oldToken).startsWith("k1.");
        assertThat(newToken).startsWith("k2.");
        assertThat(rotated.tokens()
                        .verify(oldToken, SignedTokens.Kind.UNSUBSCRIBE, 1_000)
                        .status())
                .isEqualTo(SignedTokens.Status.VALID);
        assertThat(rotated.tokens()
                        .verify(newToken, SignedTokens.Kind.UNSUBSCRIBE, 1_000)
                        .status())
                .isEqualTo(SignedTokens.Status.VALID);
        assertThat(composer(false)
                        .tokens()
                        .verify(newToken, SignedTokens.Kind.UNSUBSCRIBE, 1_000)
                        .status())
                .isEqualTo(SignedTokens.Status.UNKNOWN_KEY);
        assertThat(rotated.toString()
                        + new EmailComposer.Settings(
                                "",
                                "a@b",
                                "https://t",
                                "",
                                false,
                                Duration.ofDays(1),
                                SECRET,
                                Map.of(),
                                "k2",
                                previous))
                .doesNotContain(SECRET);
    }

    @Test
    void aFailingTemplateNeverQuotesTheAddressOrTheSecret(@TempDir Path dir) throws Exception {
        String address = "ann.private@example.org";
        Path t = dir.resolve("templates/leaky/en");
        Files.createDirectories(t);
        Files.writeString(t.resolve("subject.vm"), "Hi $name");
        Files.writeString(t.resolve("html.vm"), "<p>$unsubscribeUrl</p>");
        Files.writeString(t.resolve("text.vm"), "Hi\n#parse($name)");
        EmailComposer c = new EmailComposer(new EmailComposer.Settings(
                dir.toString(),
                "shop@mailflow.test",
                "https://t.example.com/mf/",
                "",
                false,
                Duration.ofDays(1),
                SECRET,
                Map.of("shopUrl", "https://shop.test", "shopName", "Test Shop")));
        AddressedRequest a = TemplateRendererTest.request("leaky", "Ann", "en");
        AddressedRequest named = new AddressedRequest(a.request(), new Recipient(address, address, "en", "UTC"));
        assertThatThrownBy(() -> c.compose(named, 1_000))
                .isInstanceOfSatisfying(
                        TemplateException.class,
                        e -> assertThat(e.getMessage())
                                .contains("templates/leaky/en/text.vm line 2")
                                .doesNotContainIgnoringCase(address)
                                .doesNotContain(SECRET));
    }

    @Test
    void lineBreaksInHeaderValuesAreBlocked() {
        AddressedRequest a = TemplateRendererTest.request("abandoned-cart", "Ann", "en");
        AddressedRequest evil = new AddressedRequest(
                a.request(), new Recipient("u1@example.com", "Ann\r\nBcc: victim@example.org", "en", "UTC"));
        assertThatThrownBy(() -> composer(false).compose(evil, 1_000))
                .hasMessage("header injection blocked: To display name contains a line break or NUL");
    }
}
