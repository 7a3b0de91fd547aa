package io.mailflow.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.email.EspHeaders;
import io.mailflow.feedback.EngagementType;
import io.mailflow.io.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Amazon SES events delivered by Amazon SNS ({@code POST /webhooks/ses}). Every SNS message is verified before
 * anything is read from it:
 *
 * <ul>
 *   <li>its {@code TopicArn} must be one of the configured topics ({@link #TOPICS_ENV}): SNS signs what any AWS
 *       account's topic sends, so without this anyone could subscribe their own topic to this endpoint;
 *   <li>its {@code SigningCertURL} must be an https URL of an SNS host ({@code sns.<region>.amazonaws.com}) ending in
 *       {@code .pem} ({@link #trustedAmazonUrl}); the certificate's key comes from {@code certificates};
 *   <li>its {@code Signature} must verify over SNS's canonical string (the documented fields in their order, each
 *       as {@code name\nvalue\n}) with SHA1withRSA (SignatureVersion 1) or SHA256withRSA (2).
 * </ul>
 *
 * A verified {@code SubscriptionConfirmation} is confirmed by fetching its {@code SubscribeURL} (also checked to be
 * an SNS host). A verified {@code Notification} carries an SES event as its {@code Message}: SES event publishing
 * ({@code eventType}) or SES notifications ({@code notificationType}). Mailflow's ids are the message tags
 * {@code mailflow_user}, {@code mailflow_campaign} and {@code mailflow_request} (required), {@code mailflow_variant}
 * and {@code mailflow_message} (optional), which the job writes as {@code X-SES-MESSAGE-TAGS} with
 * {@code email.esp-headers} ses or both ({@link io.mailflow.email.EspHeaders}). Mapping: Delivery DELIVERED, Open OPENED, Click CLICKED (its link), Bounce BOUNCED (Permanent hard,
 * other types soft), Complaint COMPLAINED; other types and messages without the tags are skipped.
 */
final class SesSnsWebhook implements EspWebhook {
    /** Comma-separated SNS topic ARNs whose messages are accepted. */
    public static final String TOPICS_ENV = "MAILFLOW_SES_SNS_TOPIC_ARNS";

    private static final Pattern SNS_HOST = Pattern.compile("sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?");
    private static final int MAX_BODY = 256 * 1024;

    private final Set<String> topics;
    private final Function<URI, PublicKey> certificates;
    private final Consumer<URI> confirmer;

    /**
     * @param certificates the public key of the certificate at a (trusted) SigningCertURL ({@link SnsCertificates})
     * @param confirmer fetches a (trusted) SubscribeURL to confirm a subscription
     */
    SesSnsWebhook(Set<String> topics, Function<URI, PublicKey> certificates, Consumer<URI> confirmer) {
        if (topics.isEmpty()) {
            throw new IllegalArgumentException(TOPICS_ENV + " must name the SNS topics of your SES events");
        }
        this.topics = Set.copyOf(topics);
        this.certificates = certificates;
        this.confirmer = confirmer;
    }

    @Override
    public String name() {
        return "ses";
    }

    @Override
    public Result receive(Function<String, String> header, byte[] body, long nowMillis) throws Refused {
        if (body.length > MAX_BODY) {
            throw new Refused(413, "too large");
        }
        JsonNode sns;
        try {
            sns = Json.mapper().readTree(body);
        } catch (Exception e) {
            throw new Refused(400, "not JSON");
        }
        if (sns == null || !sns.isObject()) {
            throw new Refused(400, "not an SNS message");
        }
        String type = text(sns, "Type");
        if (!topics.contains(text(sns, "TopicArn"))) {
            throw new Refused(403, "topic not accepted");
        }
        verify(sns, type);
        if ("SubscriptionConfirmation".equals(type)) {
            URI subscribe = trustedAmazonUrl(text(sns, "SubscribeURL"), false);
            if (subscribe == null) {
                throw new Refused(403, "SubscribeURL is not an SNS host");
            }
            confirmer.accept(subscribe);
            return new Result(List.of(), 0);
        }
        if (!"Notification".equals(type)) {
            return new Result(List.of(), 1);
        }
        JsonNode ses;
        try {
            ses = Json.mapper().readTree(text(sns, "Message"));
        } catch (Exception e) {
            return new Result(List.of(), 1);
        }
        Mapped m = ses == null ? null : map(ses, text(sns, "MessageId"));
        return m == null ? new Result(List.of(), 1) : new Result(List.of(m), 0);
    }

    private void verify(JsonNode sns, String type) throws Refused {
        String version = text(sns, "SignatureVersion");
        String algorithm = "1".equals(version) ? "SHA1withRSA" : "2".equals(version) ? "SHA256withRSA" : null;
        URI certUrl = trustedAmazonUrl(text(sns, "SigningCertURL"), true);
        String signature = text(sns, "Signature");
        String canonical = canonical(sns, type);
        if (algorithm == null || certUrl == null || signature == null || canonical == null) {
            throw new Refused(403, "unsigned or not from SNS");
        }
        try {
            PublicKey key = certificates.apply(certUrl);
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(key);
            v.update(canonical.getBytes(StandardCharsets.UTF_8));
            if (!v.verify(Base64.getDecoder().decode(signature))) {
                throw new Refused(403, "bad signature");
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new Refused(403, "bad signature");
        }
    }

    /** SNS's string to sign, or null when a field it needs is missing. */
    static String canonical(JsonNode sns, String type) {
        List<String> fields = "Notification".equals(type)
                ? List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
                : "SubscriptionConfirmation".equals(type) || "UnsubscribeConfirmation".equals(type)
                        ? List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")
                        : null;
        if (fields == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (String f : fields) {
            String v = text(sns, f);
            if (v == null) {
                if (f.equals("Subject")) {
                    continue; // optional, and then not signed
                }
                return null;
            }
            sb.append(f).append('\n').append(v).append('\n');
        }
        return sb.toString();
    }

    /** The URL when it is https on an SNS host (and, for a certificate, a .pem path), else null. */
    static URI trustedAmazonUrl(String url, boolean certificate) {
        if (url == null) {
            return null;
        }
        try {
            URI u = new URI(url);
            boolean ok = "https".equals(u.getScheme())
                    && u.getHost() != null
                    && SNS_HOST.matcher(u.getHost()).matches()
                    && u.getPort() == -1
                    && u.getUserInfo() == null
                    && (!certificate || (u.getPath() != null && u.getPath().endsWith(".pem")));
            return ok ? u : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static Mapped map(JsonNode ses, String snsMessageId) {
        String kind = text(ses, "eventType") != null ? text(ses, "eventType") : text(ses, "notificationType");
        JsonNode tags = ses.path("mail").path("tags");
        String user = tag(tags, "mailflow_user");
        String campaign = tag(tags, "mailflow_campaign");
        String request = tag(tags, "mailflow_request");
        String variant = EspHeaders.safe(tag(tags, "mailflow_variant"));
        String message = EspHeaders.safe(tag(tags, "mailflow_message"));
        if (kind == null || user == null || campaign == null || request == null) {
            return null;
        }
        EngagementType type;
        JsonNode detail;
        switch (kind) {
            case "Delivery" -> {
                type = EngagementType.DELIVERED;
                detail = ses.path("delivery");
            }
            case "Open" -> {
                type = EngagementType.OPENED;
                detail = ses.path("open");
            }
            case "Click" -> {
                type = EngagementType.CLICKED;
                detail = ses.path("click");
            }
            case "Bounce" -> {
                type = EngagementType.BOUNCED;
                detail = ses.path("bounce");
            }
            case "Complaint" -> {
                type = EngagementType.COMPLAINED;
                detail = ses.path("complaint");
            }
            default -> {
                return null;
            }
        }
        String when =
                text(detail, "timestamp") != null ? text(detail, "timestamp") : text(ses.path("mail"), "timestamp");
        long ts;
        try {
            ts = Instant.parse(when).toEpochMilli();
        } catch (DateTimeParseException | NullPointerException e) {
            return null;
        }
        return new Mapped(
                "ses-" + SendGridWebhook.hash(snsMessageId == null ? request + kind + ts : snsMessageId),
                type,
                user,
                campaign,
                request,
                variant,
                EspWebhook.messageId(message),
                type == EngagementType.CLICKED ? text(detail, "link") : null,
                false,
                type == EngagementType.BOUNCED && "Permanent".equals(text(detail, "bounceType")),
                ts);
    }

    private static String tag(JsonNode tags, String name) {
        JsonNode v = tags.path(name);
        return v.isArray() && v.size() > 0 && v.get(0).isTextual() ? v.get(0).asText() : null;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() ? v.asText() : null;
    }

    /** The ARNs of {@link #TOPICS_ENV}. */
    static Set<String> topics(String env) {
        List<String> out = new ArrayList<>();
        for (String s : env.split(",")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return Set.copyOf(out);
    }
}
