package io.mailflow.tools.demo;

import io.mailflow.email.SignedTokens;
import io.mailflow.io.Json;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The demo's simulated recipients: reads each captured e-mail as a mail client would, and answers it as
 * {@link RecipientBehaviour} decides, through the real tracking service over HTTP: the open pixel ({@code GET /o}),
 * a tracked link ({@code GET /r}, the 302 not followed: the shop's address is not ours to call) and the RFC 8058
 * one-click unsubscribe ({@code POST} to the {@code List-Unsubscribe} URL). A purchase is a {@code PURCHASE}
 * event on the shop's events topic, as the shop would send it. Users in a holdout or the global control group get
 * no e-mail, but buy at the campaign's baseline rate, so the job's lift has a real baseline.
 *
 * <p>Only 127.0.0.1 is ever called: a URL elsewhere is counted as an error and not requested. Times come from
 * {@code clock} (the demo's simulated clock, the same one the tracking service stamps its events with).
 */
final class ClosedLoop {
    private static final Pattern PIXEL =
            Pattern.compile("src=\"(http://127\\.0\\.0\\.1:\\d+/o/([A-Za-z0-9_.\\-]+)\\.gif)\"");
    private static final Pattern CLICK = Pattern.compile("href=\"(http://127\\.0\\.0\\.1:\\d+/r\\?[^\"]+)\"");
    private static final Pattern LIST_UNSUBSCRIBE = Pattern.compile("<(https?://[^>]+)>");
    private static final Pattern SKU = Pattern.compile("sku-(\\d+)");
    /** A person's mail client: not a scanner, and not the bare {@code Mozilla/5.0} of a privacy proxy. */
    static final String USER_AGENT =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

    private final RecipientBehaviour behaviour;
    private final SignedTokens tokens;
    private final Clock clock;
    private final Producer<byte[], byte[]> producer;
    private final String eventsTopic;
    private final Catalog catalog;
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final Map<String, Tally> tallies = new TreeMap<>();
    private long httpErrors;
    private volatile long purchasesNotBefore = Long.MIN_VALUE;
    private long unreadable;

    /** What the simulated recipients did for one campaign, and what the tracking service answered. */
    static final class Tally {
        long emails;
        long opens;
        long clicks;
        long redirects;
        long unsubscribes;
        long purchases;
        double revenue;
        long holdout;
        long holdoutPurchases;
        double holdoutRevenue;
    }

    ClosedLoop(
            RecipientBehaviour behaviour,
            SignedTokens tokens,
            Clock clock,
            Producer<byte[], byte[]> producer,
            String eventsTopic,
            Catalog catalog) {
        this.behaviour = behaviour;
        this.tokens = tokens;
        this.clock = clock;
        this.producer = producer;
        this.eventsTopic = eventsTopic;
        this.catalog = catalog;
    }

    /**
     * From now on purchases are stamped no earlier than {@code t}: after the demo moved event time past the end,
     * an earlier purchase would be late for ingestion.
     */
    void purchasesNotBefore(long t) {
        purchasesNotBefore = t;
    }

    /** The request id in an e-mail's open token, or null when it has none (or it is not ours). */
    String requestId(MimeMessage message) {
        try {
            String html = html(message);
            Matcher pixel = html == null ? null : PIXEL.matcher(html);
            if (pixel == null || !pixel.find()) {
                return null;
            }
            SignedTokens.Claims c = tokens.verify(pixel.group(2), SignedTokens.Kind.OPEN, clock.millis() / 1000)
                    .claims();
            return c == null ? null : c.requestId();
        } catch (Exception e) {
            return null;
        }
    }

    /** Reads and answers one e-mail. */
    synchronized void onEmail(MimeMessage message) {
        String html;
        String listUnsubscribe;
        try {
            html = html(message);
            listUnsubscribe = message.getHeader("List-Unsubscribe", ",");
        } catch (Exception e) {
            unreadable++;
            return;
        }
        Matcher pixel = html == null ? null : PIXEL.matcher(html);
        if (pixel == null || !pixel.find()) {
            unreadable++;
            return;
        }
        // the demo holds the link secret: the open token says whose e-mail this is and of which campaign
        SignedTokens.Verification v = tokens.verify(pixel.group(2), SignedTokens.Kind.OPEN, clock.millis() / 1000);
        if (v.claims() == null) {
            unreadable++;
            return;
        }
        SignedTokens.Claims c = v.claims();
        Tally t = tally(c.campaignId());
        t.emails++;
        RecipientBehaviour.Answer a = behaviour.answer(c.campaignId(), c.requestId(), true);
        String clicked = null;
        if (a.open() && get(pixel.group(1)) == 200) {
            t.opens++;
        }
        if (a.click()) {
            Matcher link = CLICK.matcher(html);
            if (link.find()) {
                clicked = link.group(1).replace("&amp;", "&");
                t.clicks++;
                if (get(clicked) == 302) {
                    t.redirects++;
                }
            }
        }
        if (a.unsubscribe() && listUnsubscribe != null) {
            Matcher u = LIST_UNSUBSCRIBE.matcher(listUnsubscribe);
            if (u.find() && post(u.group(1), "List-Unsubscribe=One-Click") == 200) {
                t.unsubscribes++;
            }
        }
        if (a.buy()) {
            buy(c.userId(), c.requestId(), clicked, a.amount());
            t.purchases++;
            t.revenue += a.amount();
        }
    }

    /** A holdout or control-group user of {@code campaignId}: no e-mail, the baseline purchase only. */
    synchronized void onHoldout(String campaignId, String userId, String requestId) {
        Tally t = tally(campaignId);
        t.holdout++;
        RecipientBehaviour.Answer a = behaviour.answer(campaignId, requestId, false);
        if (a.buy()) {
            buy(userId, requestId, null, a.amount());
            t.holdoutPurchases++;
            t.holdoutRevenue += a.amount();
        }
    }

    RecipientBehaviour behaviour() {
        return behaviour;
    }

    synchronized Map<String, Tally> tallies() {
        return new LinkedHashMap<>(tallies);
    }

    synchronized long httpErrors() {
        return httpErrors;
    }

    synchronized long unreadable() {
        return unreadable;
    }

    synchronized long actions() {
        long n = 0;
        for (Tally t : tallies.values()) {
            n += t.emails + t.opens + t.clicks + t.unsubscribes + t.purchases + t.holdout + t.holdoutPurchases;
        }
        return n;
    }

    private Tally tally(String campaignId) {
        return tallies.computeIfAbsent(campaignId, k -> new Tally());
    }

    /** The purchase, of the clicked item when the link names one (the amount is the simulated order value). */
    private void buy(String userId, String requestId, String clickedUrl, double amount) {
        int item = 1;
        if (clickedUrl != null) {
            Matcher m = SKU.matcher(java.net.URLDecoder.decode(clickedUrl, StandardCharsets.UTF_8));
            if (m.find()) {
                item = Math.max(1, Math.min(catalog.size(), Integer.parseInt(m.group(1))));
            }
        }
        Event e = new Event(
                "loop-" + requestId,
                userId,
                "loop-" + requestId,
                EventType.PURCHASE,
                Catalog.itemId(item),
                catalog.category(item).id(),
                amount,
                1,
                "USD",
                null,
                Math.max(clock.millis(), purchasesNotBefore));
        producer.send(new ProducerRecord<>(eventsTopic, userId.getBytes(StandardCharsets.UTF_8), Json.toBytes(e)));
    }

    private int get(String url) {
        return send(url, HttpRequest.newBuilder().GET());
    }

    private int post(String url, String form) {
        return send(
                url,
                HttpRequest.newBuilder()
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    private int send(String url, HttpRequest.Builder b) {
        URI uri = URI.create(url);
        if (!"127.0.0.1".equals(uri.getHost())) {
            httpErrors++;
            return -1;
        }
        try {
            HttpResponse<Void> r = http.send(
                    b.uri(uri)
                            .timeout(Duration.ofSeconds(5))
                            .header("User-Agent", USER_AGENT)
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            httpErrors++;
            return -1;
        } catch (Exception e) {
            httpErrors++;
            return -1;
        }
    }

    /** The HTML body of a message (the first text/html part). */
    static String html(Part p) throws Exception {
        if (p.isMimeType("text/html")) {
            Object content = p.getContent();
            return content instanceof String s ? s : null;
        }
        if (p.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) p.getContent();
            for (int i = 0; i < mp.getCount(); i++) {
                String h = html(mp.getBodyPart(i));
                if (h != null) {
                    return h;
                }
            }
        }
        return null;
    }

    String describe() {
        long[] s = new long[7];
        for (Tally t : tallies().values()) {
            s[0] += t.emails;
            s[1] += t.opens;
            s[2] += t.clicks;
            s[3] += t.unsubscribes;
            s[4] += t.purchases;
            s[5] += t.holdout;
            s[6] += t.holdoutPurchases;
        }
        return String.format(
                Locale.ROOT,
                "%,d e-mails read, %,d opened, %,d clicked, %,d unsubscribed (one-click), %,d bought; %,d holdout or"
                        + " control users, %,d bought; %d HTTP errors",
                s[0],
                s[1],
                s[2],
                s[3],
                s[4],
                s[5],
                s[6],
                httpErrors());
    }
}
