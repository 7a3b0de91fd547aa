package io.mailflow.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.email.EspHeaders;
import io.mailflow.feedback.EngagementType;
import io.mailflow.io.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * SendGrid's signed Event Webhook ({@code POST /webhooks/sendgrid}). SendGrid signs {@code timestamp + body} with
 * ECDSA P-256 / SHA-256; the signature (base64 DER) is in {@code X-Twilio-Email-Event-Webhook-Signature}, the
 * timestamp in {@code X-Twilio-Email-Event-Webhook-Timestamp}, and the verification key (base64 DER
 * SubjectPublicKeyInfo, from SendGrid's mail settings) in the environment variable {@link #PUBLIC_KEY_ENV}.
 * Requests without a valid signature, or signed more than {@link #MAX_AGE_SECONDS} away from now (a replay), are
 * refused.
 *
 * <p>The body is a JSON array of events. Mailflow's ids travel as SendGrid custom arguments, which SendGrid copies
 * into every event: {@code mailflow_user}, {@code mailflow_campaign} and {@code mailflow_request} (required), and
 * {@code mailflow_variant} and {@code mailflow_message} (optional), which the job writes into the {@code X-SMTPAPI}
 * header's {@code unique_args} with {@code email.esp-headers} sendgrid or both ({@link io.mailflow.email.EspHeaders}). Mapping: {@code delivered}
 * DELIVERED; {@code open} OPENED ({@code sg_machine_open}, SendGrid's Apple MPP flag, makes it a machine open);
 * {@code click} CLICKED with its {@code url}; {@code bounce} BOUNCED hard, {@code blocked}-type bounces soft;
 * {@code spamreport} COMPLAINED; {@code unsubscribe} and {@code group_unsubscribe} UNSUBSCRIBED. Other types
 * (processed, deferred, dropped, group_resubscribe) and events without the ids are skipped.
 */
final class SendGridWebhook implements EspWebhook {
    public static final String PUBLIC_KEY_ENV = "MAILFLOW_SENDGRID_WEBHOOK_KEY";
    static final String SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature";
    static final String TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp";
    static final long MAX_AGE_SECONDS = 600;
    private static final int MAX_BODY = 1 << 20;

    private final PublicKey key;

    /** @param publicKeyBase64 SendGrid's verification key: base64 of the DER SubjectPublicKeyInfo */
    SendGridWebhook(String publicKeyBase64) {
        try {
            this.key = KeyFactory.getInstance("EC")
                    .generatePublic(
                            new X509EncodedKeySpec(Base64.getMimeDecoder().decode(publicKeyBase64.strip())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(PUBLIC_KEY_ENV + " is not a base64 DER EC public key");
        }
    }

    @Override
    public String name() {
        return "sendgrid";
    }

    @Override
    public Result receive(Function<String, String> header, byte[] body, long nowMillis) throws Refused {
        verify(header.apply(SIGNATURE_HEADER), header.apply(TIMESTAMP_HEADER), body, nowMillis);
        JsonNode events;
        try {
            events = Json.mapper().readTree(body);
        } catch (Exception e) {
            throw new Refused(400, "not JSON");
        }
        if (events == null || !events.isArray()) {
            throw new Refused(400, "not a JSON array of events");
        }
        List<Mapped> out = new ArrayList<>();
        int skipped = 0;
        for (JsonNode e : events) {
            Mapped m = map(e);
            if (m == null) {
                skipped++;
            } else {
                out.add(m);
            }
        }
        return new Result(out, skipped);
    }

    private void verify(String signature, String timestamp, byte[] body, long nowMillis) throws Refused {
        if (signature == null || timestamp == null) {
            throw new Refused(401, "unsigned");
        }
        if (body.length > MAX_BODY) {
            throw new Refused(413, "too large");
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            throw new Refused(401, "bad timestamp");
        }
        if (Math.abs(nowMillis / 1000 - ts) > MAX_AGE_SECONDS) {
            throw new Refused(401, "stale or future timestamp");
        }
        try {
            Signature v = Signature.getInstance("SHA256withECDSA");
            v.initVerify(key);
            v.update(timestamp.getBytes(StandardCharsets.UTF_8));
            v.update(body);
            if (!v.verify(Base64.getDecoder().decode(signature.strip()))) {
                throw new Refused(403, "bad signature");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new Refused(403, "bad signature");
        }
    }

    private static Mapped map(JsonNode e) {
        String user = text(e, "mailflow_user");
        String campaign = text(e, "mailflow_campaign");
        String request = text(e, "mailflow_request");
        String variant = EspHeaders.safe(text(e, "mailflow_variant"));
        String message = EspHeaders.safe(text(e, "mailflow_message"));
        String event = text(e, "event");
        long ts = e.path("timestamp").canConvertToLong() ? e.path("timestamp").asLong() * 1000 : -1;
        if (user == null || campaign == null || request == null || event == null || ts < 0) {
            return null;
        }
        boolean blocked = "blocked".equals(text(e, "type"));
        EngagementType type;
        switch (event) {
            case "delivered" -> type = EngagementType.DELIVERED;
            case "open" -> type = EngagementType.OPENED;
            case "click" -> type = EngagementType.CLICKED;
            case "bounce" -> type = EngagementType.BOUNCED;
            case "spamreport" -> type = EngagementType.COMPLAINED;
            case "unsubscribe", "group_unsubscribe" -> type = EngagementType.UNSUBSCRIBED;
            default -> {
                return null;
            }
        }
        String sgId = text(e, "sg_event_id");
        String id = "sg-" + (sgId != null ? hash(sgId) : hash(request + "|" + event + "|" + ts));
        return new Mapped(
                id,
                type,
                user,
                campaign,
                request,
                variant,
                EspWebhook.messageId(message),
                type == EngagementType.CLICKED ? text(e, "url") : null,
                type == EngagementType.OPENED && e.path("sg_machine_open").asBoolean(false),
                type == EngagementType.BOUNCED && !blocked,
                ts);
    }

    private static String text(JsonNode e, String field) {
        JsonNode n = e.path(field);
        return n.isTextual() ? n.asText() : null;
    }

    /** A short, id-safe digest: the provider's ids are not in Mailflow's id alphabet. */
    static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("SHA-256 is always available", ex);
        }
    }
}
