package io.mailflow.tracking;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailflow.email.SignedTokens;
import io.mailflow.feedback.EngagementType;
import io.mailflow.feedback.EngagementValidator;
import io.mailflow.io.InputRules;
import io.mailflow.io.Json;
import io.mailflow.model.Suppression;
import io.mailflow.profiles.SuppressionValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds what the endpoints record, in the job's own wire formats: engagement events as the feedback stage reads
 * them from {@code topic.engagement} (docs/events.md, "Engagement events") and suppressions as the contact stage
 * reads them from {@code topic.suppressions}. Every engagement payload is checked with the job's
 * {@link EngagementValidator} rules before it leaves (the endpoints' own events field by field, a provider's event
 * as the tree it is written from; the bytes are not parsed again), so the service cannot write a record the job
 * would dead-letter.
 *
 * <p>Machine opens: the job already flags opens whose {@code userAgent} names a scanner or prefetcher
 * ({@link EngagementValidator#machineAgent}); the service passes the user agent on and adds what only it can see,
 * the privacy proxies that fetch the images of every message whether or not anyone reads it (Apple Mail Privacy
 * Protection, whose proxy sends the bare {@code Mozilla/5.0}), as {@code "machine":true}. Gmail's and Yahoo's image
 * proxies fetch when the message is opened, so their opens count as a person's.
 */
final class Engagements {
    private static final int MAX_USER_AGENT = 1024;

    private final EngagementValidator validator = new EngagementValidator(Duration.ofHours(1));

    /** A payload and the user it is keyed by, or an error when the job would refuse it. */
    record Built(String key, byte[] payload, String error) {}

    Built event(EngagementType type, SignedTokens.Claims c, String url, String userAgent, long nowMillis) {
        String ua = cleanUserAgent(userAgent);
        boolean proxy = type == EngagementType.OPENED && privacyProxy(ua);
        Built b = build(type, c, url, ua, proxy, nowMillis);
        if (b.error() != null && ua != null) {
            b = build(type, c, url, null, proxy, nowMillis);
        }
        return b;
    }

    /** A provider's event (already verified by its {@link EspWebhook}), in the job's engagement schema. */
    Built event(EspWebhook.Mapped m, long nowMillis) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("eventId", m.eventId());
        n.put("type", m.type().name());
        n.put("userId", m.userId());
        n.put("campaignId", m.campaignId());
        n.put("requestId", m.requestId());
        if (m.variant() != null) {
            n.put("variant", m.variant());
        }
        if (m.messageId() != null) {
            n.put("messageId", m.messageId());
        }
        if (m.url() != null) {
            n.put("url", m.url());
        }
        if (m.machine()) {
            n.put("machine", true);
        }
        if (m.type() == EngagementType.BOUNCED) {
            n.put("bounceType", m.hardBounce() ? "hard" : "soft");
        }
        n.put("timestamp", m.timestamp());
        byte[] payload = bytes(n);
        EngagementValidator.Result r = validator.validate(n, payload.length, nowMillis);
        return r.valid() ? new Built(m.userId(), payload, null) : new Built(m.userId(), null, r.error());
    }

    /** The suppression a provider's event calls for (unsubscribe, complaint, hard bounce), or null. */
    static byte[] suppression(EspWebhook.Mapped m) {
        String reason = switch (m.type()) {
            case UNSUBSCRIBED, COMPLAINED -> m.type().name();
            case BOUNCED -> m.hardBounce() ? "BOUNCED" : null;
            default -> null;
        };
        return reason == null ? null : Json.toBytes(new Suppression(m.userId(), reason, m.requestId(), m.timestamp()));
    }

    /** True when the job will count this open as a machine's (scanner, prefetcher or privacy proxy). */
    static boolean machineOpen(String userAgent) {
        String ua = cleanUserAgent(userAgent);
        return privacyProxy(ua) || EngagementValidator.machineAgent(ua);
    }

    /**
     * A preference-page choice on the suppressions topic: {@code UNSUBSCRIBED} from one campaign type, or
     * {@code RESUBSCRIBED} to one type or (without a type) to all; docs/events.md, "Suppressions". Null when the
     * job's own validator would refuse it (cannot happen for the types the page offers).
     */
    static byte[] choice(SignedTokens.Claims c, String reason, String campaignType, long nowMillis) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("userId", c.userId());
        n.put("reason", reason);
        if (campaignType != null) {
            n.put("campaignType", campaignType);
        }
        n.put("requestId", c.requestId());
        n.put("at", nowMillis);
        byte[] payload = Json.toBytes(n);
        return SUPPRESSIONS.validate(payload, nowMillis, nowMillis).error() == null ? payload : null;
    }

    private static final SuppressionValidator SUPPRESSIONS = new SuppressionValidator(Duration.ofMinutes(5));

    static byte[] unsubscribed(SignedTokens.Claims c, long nowMillis) {
        return Json.toBytes(new Suppression(c.userId(), EngagementType.UNSUBSCRIBED.name(), c.requestId(), nowMillis));
    }

    /**
     * The event of a click, open or unsubscribe, written straight to JSON after its fields passed the job's own
     * rules ({@link EngagementValidator#fieldsError}; the timestamp is now, inside any window the job accepts):
     * the redirect endpoint runs this for every click, and building a tree to validate and serialize it was a
     * quarter of its work (docs/benchmarks.md, tracking service).
     */
    private Built build(
            EngagementType type, SignedTokens.Claims c, String url, String ua, boolean proxy, long nowMillis) {
        String eventId = type.name().toLowerCase(Locale.ROOT).charAt(0) + "-" + eventUuid();
        String error = EngagementValidator.fieldsError(eventId, c.userId(), c.campaignId(), c.requestId(), url, ua);
        if (error != null) {
            return new Built(c.userId(), null, error);
        }
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("eventId", eventId);
            g.writeStringField("type", type.name());
            g.writeStringField("userId", c.userId());
            g.writeStringField("campaignId", c.campaignId());
            g.writeStringField("requestId", c.requestId());
            if (url != null) {
                g.writeStringField("url", url);
            }
            if (proxy) {
                g.writeBooleanField("machine", true);
            }
            if (ua != null) {
                g.writeStringField("userAgent", ua);
            }
            g.writeNumberField("timestamp", nowMillis);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write an engagement event", e);
        }
        byte[] payload = out.toByteArray();
        if (payload.length > EngagementValidator.MAX_PAYLOAD_BYTES) {
            return new Built(c.userId(), null, "payload of " + payload.length + " bytes exceeds the limit");
        }
        return new Built(c.userId(), payload, null);
    }

    /**
     * A random id for an event of this service: a retried or replayed record keeps it, so the job counts the event
     * once. Not {@code UUID.randomUUID()}, whose shared SecureRandom serialises the request threads under load;
     * 128 random bits need no secrecy here, only uniqueness.
     */
    private static UUID eventUuid() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new UUID(
                (r.nextLong() & ~0xF000L) | 0x4000L, (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
    }

    /** A writer with the tree serializer resolved once: this runs for every click and open. */
    private static final ObjectWriter TREE_WRITER = Json.mapper().writerFor(JsonNode.class);

    private static byte[] bytes(ObjectNode n) {
        try {
            return TREE_WRITER.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an engagement event", e);
        }
    }

    private static boolean privacyProxy(String ua) {
        return "Mozilla/5.0".equals(ua);
    }

    private static String cleanUserAgent(String ua) {
        if (ua == null || ua.isBlank()) {
            return null;
        }
        String s = ua.strip();
        if (s.length() > MAX_USER_AGENT) {
            s = s.substring(0, MAX_USER_AGENT);
        }
        return InputRules.uncleanCharacter(s) == null ? s : null;
    }
}
