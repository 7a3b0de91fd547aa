package io.mailflow.tracking;

import io.mailflow.campaigns.TriggerType;
import io.mailflow.email.SignedTokens;
import io.mailflow.email.SignedTokens.Kind;
import io.mailflow.email.SignedTokens.Status;
import io.mailflow.email.SignedTokens.Verification;
import io.mailflow.feedback.EngagementType;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints behind the links of every e-mail (the URLs {@code email.EmailComposer} and {@code LinkTracker}
 * write):
 *
 * <ul>
 *   <li>{@code GET /r?u=<target>&t=<click token>}: a valid token, which signs exactly this target, records CLICKED
 *       and redirects (302); anything else, expired included, gets a plain error page and no redirect, so the
 *       endpoint is never an open redirect.
 *   <li>{@code GET /o/<open token>.gif} (also {@code /o?t=}): records OPENED for a valid token (flagging machine
 *       opens) and always answers a 1x1 GIF that must not be cached.
 *   <li>{@code GET /unsubscribe?t=}: a confirmation page whose button POSTs; a GET never unsubscribes.
 *   <li>{@code POST /unsubscribe?t=} with {@code List-Unsubscribe=One-Click} (RFC 8058): records UNSUBSCRIBED and
 *       writes a suppression. A token that is authentic but past its expiry still unsubscribes: refusing to stop
 *       mail that a recipient asked to stop would be worse than honouring an old link.
 *   <li>{@code GET /preferences?t=} (the unsubscribe token): the preference page, campaign types with checkboxes,
 *       unsubscribe from all and subscribe again; {@code POST /preferences?t=} records the choices on the
 *       suppressions topic (per campaign type, all, or a re-subscription, which needs an unexpired token).
 *   <li>{@code GET /health}, {@code GET /metrics} (Prometheus text format).
 * </ul>
 *
 * Each request writes one JSON access-log line (logger {@code io.mailflow.tracking.access}) with method, route,
 * status, token outcome, campaign and duration: never a token, a target URL, a user id or an address.
 */
final class TrackingHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(TrackingHandler.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("io.mailflow.tracking.access");
    private static final Pattern HTTP_URL = Pattern.compile("(?i)https?://[!-~]+");
    private static final int MAX_BODY = 4096;
    private static final int MAX_WEBHOOK_BODY = 1 << 20;
    /** The smallest transparent GIF. */
    static final byte[] PIXEL = Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    private final SignedTokens tokens;
    private final Engagements engagements = new Engagements();
    private final EventPublisher publisher;
    private final TrackingMetrics metrics;
    private final TrackingSettings settings;
    private final Clock clock;
    private final Map<String, EspWebhook> webhooks = new HashMap<>();

    TrackingHandler(
            SignedTokens tokens,
            EventPublisher publisher,
            TrackingMetrics metrics,
            TrackingSettings settings,
            Clock clock,
            List<EspWebhook> webhooks) {
        webhooks.forEach(w -> this.webhooks.put("/webhooks/" + w.name(), w));
        this.tokens = tokens;
        this.publisher = publisher;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
    }

    /** What a request came to, for the access log and the metrics. */
    private static final class Outcome {
        String route = "other";
        String result = "ok";
        String campaign;
        int status = 200;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long start = System.nanoTime();
        Outcome o = new Outcome();
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        try {
            route(path, method, request, response, callback, o);
        } finally {
            double seconds = (System.nanoTime() - start) / 1e9;
            metrics.requests.labelValues(o.route, o.result).inc();
            metrics.latency.labelValues(o.route).observe(seconds);
            if (ACCESS.isInfoEnabled()) {
                ACCESS.info(
                        "{\"method\":\"{}\",\"route\":\"{}\",\"status\":{},\"outcome\":\"{}\",\"campaignId\":{},\"ms\":{}}",
                        method.length() <= 8 && method.chars().allMatch(Character::isLetter) ? method : "?",
                        o.route,
                        o.status,
                        o.result,
                        o.campaign == null ? "null" : "\"" + o.campaign + "\"",
                        String.format(Locale.ROOT, "%.2f", seconds * 1000));
            }
        }
        return true;
    }

    private void route(String path, String method, Request request, Response response, Callback callback, Outcome o)
            throws Exception {
        boolean get = "GET".equals(method);
        if (path.equals("/r")) {
            o.route = "r";
            if (!get) {
                text(response, callback, o, 405, "method not allowed");
                return;
            }
            click(request, response, callback, o);
        } else if (path.equals("/o") || (path.startsWith("/o/") && path.endsWith(".gif"))) {
            o.route = "o";
            if (!get) {
                text(response, callback, o, 405, "method not allowed");
                return;
            }
            String token = path.equals("/o") ? query(request, "t") : path.substring(3, path.length() - 4);
            open(request, response, callback, o, token);
        } else if (path.equals("/unsubscribe")) {
            o.route = "unsubscribe";
            if (get) {
                unsubscribePage(request, response, callback, o);
            } else if ("POST".equals(method)) {
                unsubscribe(request, response, callback, o);
            } else {
                text(response, callback, o, 405, "method not allowed");
            }
        } else if (path.equals("/preferences")) {
            o.route = "preferences";
            if (get) {
                preferencesPage(request, response, callback, o);
            } else if ("POST".equals(method)) {
                preferences(request, response, callback, o);
            } else {
                text(response, callback, o, 405, "method not allowed");
            }
        } else if (webhooks.containsKey(path)) {
            o.route = "webhook";
            if (!"POST".equals(method)) {
                text(response, callback, o, 405, "method not allowed");
                return;
            }
            webhook(webhooks.get(path), request, response, callback, o);
        } else if (path.equals("/health") && get) {
            o.route = "health";
            // "spool": Kafka did not take the last events; requests are still answered and nothing is lost
            String body = "{\"status\":\"UP\",\"events\":\"" + (publisher.kafkaUp() ? "kafka" : "spool")
                    + "\",\"spooledRecords\":" + publisher.spooledRecords() + "}\n";
            send(response, callback, o, 200, "application/json", body.getBytes(StandardCharsets.UTF_8));
        } else if (path.equals("/metrics") && get) {
            o.route = "metrics";
            ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
            metrics.write(out);
            send(response, callback, o, 200, metrics.contentType(), out.toByteArray());
        } else if (path.equals("/ping") && get) {
            // the static baseline of the load benchmark: the same server, no token, no Kafka
            o.route = "ping";
            o.status = 204;
            response.setStatus(204);
            callback.succeeded();
        } else {
            text(response, callback, o, 404, "not found");
        }
    }

    private void click(Request request, Response response, Callback callback, Outcome o) throws Exception {
        String query = request.getHttpURI().getQuery();
        String target = QueryString.value(query, "u");
        Verification v =
                tokens.verify(QueryString.value(query, "t"), Kind.CLICK, target == null ? "" : target, nowSeconds());
        o.result = v.status().name();
        if (v.status() != Status.VALID
                || target == null
                || !HTTP_URL.matcher(target).matches()) {
            Pages.Lang lang = lang(request, QueryString.value(query, "lang"));
            html(response, callback, o, status(v.status()), Pages.error(lang, v.status() == Status.EXPIRED));
            return;
        }
        o.campaign = v.claims().campaignId();
        record(EngagementType.CLICKED, v.claims(), target, request);
        o.status = 302;
        response.setStatus(302);
        response.getHeaders().put(HttpHeader.LOCATION, target);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        // the token is in this URL: the shop must not see it in a Referer header
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        callback.succeeded();
    }

    private void open(Request request, Response response, Callback callback, Outcome o, String token) {
        Verification v = tokens.verify(token, Kind.OPEN, nowSeconds());
        o.result = v.status().name();
        if (v.status() == Status.VALID) {
            o.campaign = v.claims().campaignId();
            String ua = request.getHeaders().get(HttpHeader.USER_AGENT);
            if (Engagements.machineOpen(ua)) {
                metrics.machineOpens.inc();
            }
            record(EngagementType.OPENED, v.claims(), null, request);
        }
        // every pixel request gets the image: a broken image in the message tells nothing and looks bad
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store, no-cache, must-revalidate, max-age=0");
        response.getHeaders().put(HttpHeader.PRAGMA, "no-cache");
        response.getHeaders().put(HttpHeader.EXPIRES, "0");
        send(response, callback, o, 200, "image/gif", PIXEL);
    }

    private void unsubscribePage(Request request, Response response, Callback callback, Outcome o) {
        Fields q = Request.extractQueryParameters(request);
        String token = q.getValue("t");
        Verification v = tokens.verify(token, Kind.UNSUBSCRIBE, nowSeconds());
        o.result = v.status().name();
        Pages.Lang lang = lang(request, q.getValue("lang"));
        if (v.claims() == null) {
            html(response, callback, o, status(v.status()), Pages.error(lang, false));
            return;
        }
        o.campaign = v.claims().campaignId();
        html(response, callback, o, 200, Pages.confirm(lang, token));
    }

    private void unsubscribe(Request request, Response response, Callback callback, Outcome o) throws Exception {
        Fields q = Request.extractQueryParameters(request);
        Pages.Lang lang = lang(request, q.getValue("lang"));
        String body = body(request);
        if (body == null || !oneClick(body)) {
            o.result = "NOT_ONE_CLICK";
            text(response, callback, o, 400, "expected the body List-Unsubscribe=One-Click (RFC 8058)");
            return;
        }
        Verification v = tokens.verify(q.getValue("t"), Kind.UNSUBSCRIBE, nowSeconds());
        o.result = v.status().name();
        // VALID or EXPIRED: the MAC is good, so the claims are ours (see the class comment for why expired counts)
        if (v.claims() == null) {
            html(response, callback, o, status(v.status()), Pages.error(lang, false));
            return;
        }
        o.campaign = v.claims().campaignId();
        record(EngagementType.UNSUBSCRIBED, v.claims(), null, request);
        publisher.publish(
                settings.suppressionsTopic(),
                v.claims().userId(),
                Engagements.unsubscribed(v.claims(), clock.millis()));
        metrics.events.labelValues("SUPPRESSION").inc();
        html(response, callback, o, 200, Pages.done(lang));
    }

    private void preferencesPage(Request request, Response response, Callback callback, Outcome o) {
        Fields q = Request.extractQueryParameters(request);
        String token = q.getValue("t");
        // the unsubscribe token, and only it: click and open tokens travel in URLs that proxies and scanners see
        Verification v = tokens.verify(token, Kind.UNSUBSCRIBE, nowSeconds());
        o.result = v.status().name();
        Pages.Lang lang = lang(request, q.getValue("lang"));
        if (v.claims() == null) {
            html(response, callback, o, status(v.status()), Pages.error(lang, false));
            return;
        }
        o.campaign = v.claims().campaignId();
        html(response, callback, o, 200, Pages.preferences(lang, token, CAMPAIGN_TYPES));
    }

    /**
     * The preference page's form: {@code action=save} with the ticked {@code type}s (each unticked type is an
     * unsubscribe from it, each ticked one a re-subscription to it), {@code action=all} (as the one-click
     * unsubscribe) or {@code action=resubscribe} (to all). The signed token in the form's URL is what makes the
     * POST the recipient's own (no other site can know it). An expired token may still stop e-mails but never
     * starts them again: consent needs a current link.
     */
    private void preferences(Request request, Response response, Callback callback, Outcome o) throws Exception {
        Fields q = Request.extractQueryParameters(request);
        Pages.Lang lang = lang(request, q.getValue("lang"));
        String body = body(request);
        Form form = body == null ? null : Form.parse(body);
        if (form == null) {
            o.result = "BAD_FORM";
            text(response, callback, o, 400, "not a preference form");
            return;
        }
        Verification v = tokens.verify(q.getValue("t"), Kind.UNSUBSCRIBE, nowSeconds());
        o.result = v.status().name();
        if (v.claims() == null) {
            html(response, callback, o, status(v.status()), Pages.error(lang, false));
            return;
        }
        o.campaign = v.claims().campaignId();
        boolean current = v.status() == Status.VALID;
        long now = clock.millis();
        switch (form.action) {
            case "all" -> {
                record(EngagementType.UNSUBSCRIBED, v.claims(), null, request);
                publisher.publish(
                        settings.suppressionsTopic(), v.claims().userId(), Engagements.unsubscribed(v.claims(), now));
                metrics.events.labelValues("SUPPRESSION").inc();
                html(response, callback, o, 200, Pages.done(lang));
            }
            case "resubscribe" -> {
                if (!current) {
                    html(response, callback, o, 410, Pages.expiredConsent(lang));
                    return;
                }
                publishChoice(v.claims(), "RESUBSCRIBED", null, now);
                html(response, callback, o, 200, Pages.resubscribed(lang));
            }
            default -> {
                boolean consentSkipped = false;
                for (String type : CAMPAIGN_TYPES) {
                    if (!form.types.contains(type)) {
                        publishChoice(v.claims(), "UNSUBSCRIBED", type, now);
                    } else if (current) {
                        publishChoice(v.claims(), "RESUBSCRIBED", type, now);
                    } else {
                        consentSkipped = true;
                    }
                }
                html(response, callback, o, 200, consentSkipped ? Pages.expiredConsent(lang) : Pages.saved(lang));
            }
        }
    }

    private void publishChoice(SignedTokens.Claims claims, String reason, String type, long now) {
        byte[] payload = Engagements.choice(claims, reason, type, now);
        if (payload == null) {
            LOG.warn("A preference would be refused by the job and is not recorded ({})", reason);
            metrics.events.labelValues("INVALID").inc();
            return;
        }
        metrics.events
                .labelValues(reason.equals("RESUBSCRIBED") ? "RESUBSCRIBED" : "SUPPRESSION")
                .inc();
        publisher.publish(settings.suppressionsTopic(), claims.userId(), payload);
    }

    /** The campaign types of the preference page: the job's trigger types, by their wire names. */
    static final List<String> CAMPAIGN_TYPES = java.util.Arrays.stream(TriggerType.values())
            .map(TriggerType::wireName)
            .toList();

    /** A parsed preference form; null from {@link #parse} for anything else. */
    private record Form(String action, java.util.Set<String> types) {
        static Form parse(String body) {
            String action = null;
            java.util.Set<String> types = new java.util.HashSet<>();
            for (String pair : body.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                switch (name) {
                    case "action" -> {
                        if (action != null) {
                            return null;
                        }
                        action = value;
                    }
                    case "type" -> {
                        if (!CAMPAIGN_TYPES.contains(value)) {
                            return null;
                        }
                        types.add(value);
                    }
                    default -> {
                        return null;
                    }
                }
            }
            boolean known = "save".equals(action) || "all".equals(action) || "resubscribe".equals(action);
            return known ? new Form(action, types) : null;
        }
    }

    private void webhook(EspWebhook hook, Request request, Response response, Callback callback, Outcome o)
            throws Exception {
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes(MAX_WEBHOOK_BODY + 1);
        }
        EspWebhook.Result result;
        try {
            if (body.length > MAX_WEBHOOK_BODY) {
                throw new EspWebhook.Refused(413, "too large");
            }
            result = hook.receive(request.getHeaders()::get, body, clock.millis());
        } catch (EspWebhook.Refused r) {
            o.result = "REFUSED";
            text(response, callback, o, r.status, "refused: " + r.getMessage());
            return;
        }
        int skipped = result.skipped();
        int recorded = 0;
        for (EspWebhook.Mapped m : result.events()) {
            Engagements.Built b = engagements.event(m, clock.millis());
            if (b.error() != null) {
                skipped++;
                continue;
            }
            metrics.events.labelValues(m.type().name()).inc();
            publisher.publish(settings.engagementTopic(), b.key(), b.payload());
            recorded++;
            byte[] suppression = Engagements.suppression(m);
            if (suppression != null) {
                metrics.events.labelValues("SUPPRESSION").inc();
                publisher.publish(settings.suppressionsTopic(), m.userId(), suppression);
            }
        }
        metrics.webhookSkipped.labelValues(hook.name()).inc(skipped);
        o.result = hook.name();
        text(response, callback, o, 200, "recorded " + recorded + ", skipped " + skipped);
    }

    private void record(EngagementType type, SignedTokens.Claims claims, String url, Request request) {
        Engagements.Built b =
                engagements.event(type, claims, url, request.getHeaders().get(HttpHeader.USER_AGENT), clock.millis());
        if (b.error() != null) {
            // cannot happen for tokens the job signed; logged without the ids, which the reason may quote
            LOG.warn("An engagement event would be refused by the job and is not recorded ({})", type);
            metrics.events.labelValues("INVALID").inc();
            return;
        }
        metrics.events.labelValues(type.name()).inc();
        publisher.publish(settings.engagementTopic(), b.key(), b.payload());
    }

    private static boolean oneClick(String body) {
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0
                    && "List-Unsubscribe".equals(decode(pair.substring(0, eq)))
                    && "One-Click".equals(decode(pair.substring(eq + 1)))) {
                return true;
            }
        }
        return false;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** The request body as text, or null when it is larger than {@value #MAX_BODY} bytes. */
    private static String body(Request request) throws Exception {
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            return b.length > MAX_BODY ? null : new String(b, StandardCharsets.UTF_8);
        }
    }

    private static String query(Request request, String name) {
        return QueryString.value(request.getHttpURI().getQuery(), name);
    }

    private static Pages.Lang lang(Request request, String param) {
        return Pages.Lang.of(param, request.getHeaders().get(HttpHeader.ACCEPT_LANGUAGE));
    }

    private static int status(Status s) {
        return switch (s) {
            case EXPIRED -> 410;
            case FORGED, WRONG_KIND, UNKNOWN_KEY -> 403;
            default -> 400;
        };
    }

    private long nowSeconds() {
        return clock.millis() / 1000;
    }

    private static void html(Response response, Callback callback, Outcome o, int status, String page) {
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("X-Frame-Options", "DENY");
        response.getHeaders()
                .put(
                        "Content-Security-Policy",
                        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
        send(response, callback, o, status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
    }

    private static void text(Response response, Callback callback, Outcome o, int status, String message) {
        send(
                response,
                callback,
                o,
                status,
                "text/plain; charset=utf-8",
                (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(Response response, Callback callback, Outcome o, int status, String type, byte[] body) {
        o.status = status;
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
