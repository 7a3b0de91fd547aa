package io.mailflow.email;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the links of a rendered HTML body into signed, tracked redirects and adds the optional open
 * pixel. Every http(s) link gets UTM parameters for the shop's analytics and is wrapped as
 * {@code <tracking-base>/r?u=<url>&t=<token>}; each link gets its own click token, which signs the request,
 * the campaign and that very target URL, so the redirect endpoint, which verifies it with the {@code u} it is
 * given, cannot be abused as an open redirect. The open pixel carries an open token, never a click token.
 * Unsubscribe and preference-page links are left alone.
 */
public final class LinkTracker {
    private static final Pattern HREF = Pattern.compile("href=\"(https?://[^\"]+)\"");

    private final String trackingBase;
    private final boolean openPixel;

    public LinkTracker(String trackingBase, boolean openPixel) {
        this.trackingBase =
                trackingBase.endsWith("/") ? trackingBase.substring(0, trackingBase.length() - 1) : trackingBase;
        this.openPixel = openPixel;
    }

    /**
     * @param clickToken signs one target URL (exactly the {@code u} parameter, UTM parameters included)
     * @param openToken the token of the open pixel
     */
    public String rewrite(String html, String campaignId, UnaryOperator<String> clickToken, String openToken) {
        Matcher m = HREF.matcher(html);
        StringBuilder sb = new StringBuilder(html.length() + 256);
        while (m.find()) {
            String url = m.group(1).replace("&amp;", "&");
            String replacement =
                    url.startsWith(trackingBase + "/unsubscribe") || url.startsWith(trackingBase + "/preferences")
                            ? m.group(0)
                            : "href=\"" + HtmlEscaper.escape(tracked(url, campaignId, clickToken)) + "\"";
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        String out = sb.toString();
        if (openPixel) {
            String pixel = "<img src=\"" + trackingBase + "/o/" + openToken
                    + ".gif\" width=\"1\" height=\"1\" alt=\"\" style=\"display:none\">";
            int body = out.lastIndexOf("</body>");
            out = body < 0 ? out + pixel : out.substring(0, body) + pixel + out.substring(body);
        }
        return out;
    }

    String tracked(String url, String campaignId, UnaryOperator<String> clickToken) {
        String withUtm = url + (url.contains("?") ? "&" : "?") + "utm_source=mailflow&utm_medium=email&utm_campaign="
                + enc(campaignId);
        return trackingBase + "/r?u=" + enc(withUtm) + "&t=" + clickToken.apply(withUtm);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
