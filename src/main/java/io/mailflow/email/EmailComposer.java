package io.mailflow.email;

import io.mailflow.model.AddressedRequest;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.RenderedEmail;
import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Turns an addressed request into a complete e-mail: renders the templates, signs the unsubscribe and
 * click tokens, rewrites links for tracking, builds the List-Unsubscribe header and derives the
 * Message-ID. Flink-free; {@link RenderFunction} is its operator.
 */
public final class EmailComposer {
    /** The environment variable that holds the secret signing links and tokens, read on the task managers. */
    public static final String LINK_SECRET_ENV = "MAILFLOW_LINK_SECRET";

    /** Everything the composer needs from the configuration. */
    public record Settings(
            String templateDir,
            String fromAddress,
            String trackingBaseUrl,
            String unsubscribeMailto,
            boolean openPixel,
            Duration linkTtl,
            String linkSecret,
            Map<String, String> globals) implements Serializable {}

    private final Settings settings;
    private final TemplateRenderer renderer;
    private final SignedTokens tokens;
    private final LinkTracker tracker;
    private final String unsubscribeMailbox;

    public EmailComposer(Settings settings) {
        this.settings = settings;
        String secret = settings.linkSecret().isEmpty()
                ? System.getenv(LINK_SECRET_ENV) : settings.linkSecret();
        this.tokens = new SignedTokens(secret);
        String base = settings.trackingBaseUrl().replaceAll("/+$", "");
        this.tracker = new LinkTracker(base, settings.openPixel());
        this.unsubscribeMailbox = settings.unsubscribeMailto().isBlank()
                ? "unsubscribe@" + domainOf(settings.fromAddress()) : settings.unsubscribeMailto();
        Map<String, Object> globals = new java.util.HashMap<>(settings.globals());
        globals.put("trackingBaseUrl", base);
        this.renderer = new TemplateRenderer(settings.templateDir(), globals);
    }

    /**
     * @param nowSeconds used for the expiry of the links
     * @throws TemplateException for template errors
     * @throws IllegalArgumentException for header injection attempts
     */
    public RenderedEmail compose(AddressedRequest a, long nowSeconds) throws TemplateException {
        EmailRequest r = a.request();
        long expires = nowSeconds + settings.linkTtl().toSeconds();
        String unsubscribe = tokens.sign(new SignedTokens.Claims("u", r.userId(), r.campaignId(), r.requestId(), expires));
        String click = tokens.sign(new SignedTokens.Claims("c", r.userId(), r.campaignId(), r.requestId(), expires));
        String base = settings.trackingBaseUrl().replaceAll("/+$", "");
        String unsubscribeUrl = base + "/unsubscribe?t=" + unsubscribe;

        TemplateRenderer.Rendered parts = renderer.render(a, Map.of("unsubscribeUrl", unsubscribeUrl));
        String subject = HeaderValues.require("Subject", parts.subject());
        String name = HeaderValues.require("To display name", a.recipient().name());
        String html = tracker.rewrite(parts.html(), r.campaignId(), click);
        String listUnsubscribe = "<mailto:" + unsubscribeMailbox + "?subject=" + enc("unsubscribe " + unsubscribe)
                + ">, <" + unsubscribeUrl + ">";
        return new RenderedEmail(
                r.requestId(),
                MessageIds.of(r.requestId(), settings.fromAddress()),
                r.campaignId(),
                "default",
                r.userId(),
                a.recipient().email(),
                name,
                subject,
                html,
                parts.text(),
                listUnsubscribe,
                r.triggeredAt());
    }

    public SignedTokens tokens() {
        return tokens;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String domainOf(String address) {
        int at = address.indexOf('@');
        return at >= 0 ? address.substring(at + 1) : "mailflow.local";
    }
}
