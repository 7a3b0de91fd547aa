package io.mailflow.tracking;

import io.mailflow.feedback.EngagementType;
import java.util.List;
import java.util.function.Function;

/**
 * A mail provider's event webhook: verifies that a request comes from the provider and maps its events to
 * engagement events. One class per provider, registered in {@link TrackingServer}; it is served at
 * {@code POST /webhooks/<name>}. The contract:
 *
 * <ul>
 *   <li>{@link #receive} verifies the request first (signature, freshness) and throws {@link Refused} for anything
 *       unsigned, badly signed, stale or not in the provider's format: nothing of a refused request is recorded;
 *   <li>a verified request answers 200 even when some of its events cannot be mapped (no Mailflow ids, a type
 *       Mailflow does not track): those are skipped and counted, since a provider retries every non-2xx answer;
 *   <li>ids come from the e-mail itself (custom arguments or headers set when it was sent), never from a guess.
 * </ul>
 */
interface EspWebhook {
    /** The path segment after {@code /webhooks/}. */
    String name();

    /**
     * @param header the request's headers by name (case-insensitive)
     * @return the events to record, in order; events that cannot be mapped are left out
     */
    Result receive(Function<String, String> header, byte[] body, long nowMillis) throws Refused;

    /** The mapped events and how many of the request's events were skipped. */
    record Result(List<Mapped> events, int skipped) {}

    /**
     * One provider event as an engagement event; {@code hardBounce} matters for BOUNCED only. A provider's
     * unsubscribe, complaint and hard bounce also write a suppression. {@code variant} and {@code messageId} are
     * null when the e-mail did not carry them.
     */
    record Mapped(
            String eventId,
            EngagementType type,
            String userId,
            String campaignId,
            String requestId,
            String variant,
            String messageId,
            String url,
            boolean machine,
            boolean hardBounce,
            long timestamp) {}

    /**
     * The e-mail's Message-ID from the id Mailflow wrote into it ({@code mailflow_message}, the Message-ID without
     * its angle brackets), or null.
     */
    static String messageId(String written) {
        return written == null || written.isEmpty() ? null : "<" + written + ">";
    }

    /** The request is not the provider's, or not in its format: nothing is recorded. */
    final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Refused(int status, String reason) {
            super(reason);
            this.status = status;
        }
    }
}
