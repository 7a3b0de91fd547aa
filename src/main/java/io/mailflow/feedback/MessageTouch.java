package io.mailflow.feedback;

/**
 * What attribution remembers about one e-mail (or holdout assignment) of a user, until
 * {@code expiresAt}: the attribution window after its last touch.
 *
 * @param sentAt event time of the send or holdout assignment
 * @param lastClickAt event time of the latest click, or -1
 * @param seen bit set of the {@link FunnelEvent.Kind}s already counted for this e-mail
 */
public record MessageTouch(
        String requestId,
        String messageId,
        String campaignId,
        String variant,
        boolean holdout,
        long sentAt,
        long lastClickAt,
        int seen,
        long expiresAt) {

    public boolean hasSeen(FunnelEvent.Kind kind) {
        return (seen & (1 << kind.ordinal())) != 0;
    }

    public MessageTouch see(FunnelEvent.Kind kind) {
        return new MessageTouch(
                requestId,
                messageId,
                campaignId,
                variant,
                holdout,
                sentAt,
                lastClickAt,
                seen | (1 << kind.ordinal()),
                expiresAt);
    }

    public MessageTouch clickedAt(long at, long windowMs) {
        return new MessageTouch(
                requestId,
                messageId,
                campaignId,
                variant,
                holdout,
                sentAt,
                Math.max(lastClickAt, at),
                seen,
                Math.max(expiresAt, at + windowMs));
    }

    /** The latest touch: the last click if any, else the send. */
    public long touchedAt() {
        return lastClickAt >= 0 ? lastClickAt : sentAt;
    }
}
