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

    /** The key id of the link secret when none is configured. */
    public static final String DEFAULT_LINK_KEY_ID = "k1";

    /**
     * Everything the composer needs from the configuration.
     *
     * @param linkSecret the current link secret, or empty to read {@link #LINK_SECRET_ENV} on the task manager
     * @param linkKeyId the public id of the current link secret, written in every token (change it with the secret)
     * @param previousLinkKey the previous key as {@code <keyId>,<accept until>,<secret>}, or empty to read
     *     {@link Keyring#PREVIOUS_SECRET_ENV} on the task manager (unset there too: no previous key)
     */
    public record Settings(
            String templateDir,
            String fromAddress,
            String trackingBaseUrl,
            String unsubscribeMailto,
            boolean openPixel,
            Duration linkTtl,
            String linkSecret,
            Map<String, String> globals,
            String linkKeyId,
            String previousLinkKey)
            implements Serializable {

        /** Settings with the default key id and no previous key given (it is still read from the environment). */
        public Settings(
                String templateDir,
                String fromAddress,
                String trackingBaseUrl,
                String unsubscribeMailto,
                boolean openPixel,
                Duration linkTtl,
                String linkSecret,
                Map<String, String> globals) {
            this(
                    templateDir,
                    fromAddress,
                    trackingBaseUrl,
                    unsubscribeMailto,
                    openPixel,
                    linkTtl,
                    linkSecret,
                    globals,
                    DEFAULT_LINK_KEY_ID,
                    "");
        }

        /** Never prints the secrets: settings end up in logs and exception texts. */
        @Override
        public String toString() {
            return "Settings[templateDir=" + templateDir + ", fromAddress=" + fromAddress + ", trackingBaseUrl="
                    + trackingBaseUrl + ", unsubscribeMailto=" + unsubscribeMailto + ", openPixel=" + openPixel
                    + ", linkTtl=" + linkTtl + ", linkSecret="
                    + (linkSecret == null || linkSecret.isEmpty() ? "<env>" : "<set>")
                    + ", globals=" + globals + ", linkKeyId=" + linkKeyId + ", previousLinkKey="
                    + (previousLinkKey == null || previousLinkKey.isEmpty() ? "<env>" : "<set>") + "]";
        }
    }

    private final Settings settings;
    private final TemplateRenderer renderer;
    private final SignedTokens tokens;
    private final LinkTracker tracker;
    private final String unsubscribeMailbox;
    private final String[] secrets;

    public EmailComposer(Settings settings) {
        this.settings = settings;
        String secret = settings.linkSecret().isEmpty() ? System.getenv(LINK_SECRET_ENV) : settings.linkSecret();
        String previous =
                settings.previousLinkKey() == null || settings.previousLinkKey().isEmpty()
                        ? System.getenv(Keyring.PREVIOUS_SECRET_ENV)
                        : settings.previousLinkKey();
        String keyId = settings.linkKeyId() == null || settings.linkKeyId().isEmpty()
                ? DEFAULT_LINK_KEY_ID
                : settings.linkKeyId();
        this.secrets = previous == null || previous.isBlank() ? new String[] {secret} : new String[] {secret, previous};
        this.tokens = new SignedTokens(Keyring.of(keyId, secret).withPrevious(previous));
        String base = settings.trackingBaseUrl().replaceAll("/+$", "");
        this.tracker = new LinkTracker(base, settings.openPixel());
        this.unsubscribeMailbox = settings.unsubscribeMailto().isBlank()
                ? "unsubscribe@" + domainOf(settings.fromAddress())
                : settings.unsubscribeMailto();
        Map<String, Object> globals = new java.util.HashMap<>(settings.globals());
        globals.put("trackingBaseUrl", base);
        this.renderer = new TemplateRenderer(settings.templateDir(), globals);
    }

    /**
     * @param nowSeconds used for the expiry of the links
     * @throws TemplateException for template errors, and anything else wrong with the request; its text never
     *     carries the recipient's address or a secret
     * @throws IllegalArgumentException for header injection attempts
     */
    public RenderedEmail compose(AddressedRequest a, long nowSeconds) throws TemplateException {
        EmailRequest r = a.request();
        try {
            return compose(a, r, nowSeconds);
        } catch (TemplateException e) {
            throw e.redacted(secrets).redacted(a.recipient().email());
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(HeaderValues.BLOCKED)) {
                throw e;
            }
            throw new TemplateException(
                    "templates/" + r.templateId(),
                    0,
                    "cannot compose: " + e.getClass().getSimpleName());
        } catch (RuntimeException e) {
            // the message of an unexpected exception may quote data: only its type goes to the dead letters
            throw new TemplateException(
                    "templates/" + r.templateId(),
                    0,
                    "cannot compose: " + e.getClass().getSimpleName());
        }
    }

    private RenderedEmail compose(AddressedRequest a, EmailRequest r, long nowSeconds) throws TemplateException {
        long expires = nowSeconds + settings.linkTtl().toSeconds();
        String unsubscribe = tokens.sign(claims(SignedTokens.Kind.UNSUBSCRIBE, r, expires));
        String open = tokens.sign(claims(SignedTokens.Kind.OPEN, r, expires));
        SignedTokens.Claims click = claims(SignedTokens.Kind.CLICK, r, expires);
        String base = settings.trackingBaseUrl().replaceAll("/+$", "");
        String unsubscribeUrl = base + "/unsubscribe?t=" + unsubscribe;
        // the preference page takes the same token: whoever may unsubscribe may choose what to receive
        String preferencesUrl = base + "/preferences?t=" + unsubscribe;

        TemplateRenderer.Rendered parts =
                renderer.render(a, Map.of("unsubscribeUrl", unsubscribeUrl, "preferencesUrl", preferencesUrl));
        String subject = HeaderValues.require("Subject", parts.subject());
        String name = HeaderValues.require("To display name", a.recipient().name());
        String html = tracker.rewrite(parts.html(), r.campaignId(), target -> tokens.sign(click, target), open);
        String listUnsubscribe = "<mailto:" + unsubscribeMailbox + "?subject=" + enc("unsubscribe " + unsubscribe)
                + ">, <" + unsubscribeUrl + ">";
        return new RenderedEmail(
                r.requestId(),
                MessageIds.of(r.requestId(), settings.fromAddress()),
                r.campaignId(),
                r.variant(),
                r.userId(),
                a.recipient().email(),
                name,
                subject,
                html,
                parts.text(),
                listUnsubscribe,
                r.triggeredAt());
    }

    private static SignedTokens.Claims claims(SignedTokens.Kind kind, EmailRequest r, long expires) {
        return new SignedTokens.Claims(kind, r.userId(), r.campaignId(), r.requestId(), expires);
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
