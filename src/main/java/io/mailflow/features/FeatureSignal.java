package io.mailflow.features;

/**
 * A non-session input of the feature operator, keyed by user: an erasure request or an e-mail engagement signal.
 * Engagement signals only update the user's history (they are folded into the next snapshot's {@link ModelExtras});
 * they never emit a snapshot themselves, so segments and labels keep one snapshot per session.
 *
 * @param userId the user
 * @param kind what happened
 * @param at event time, epoch milliseconds (ignored for an erasure)
 */
public record FeatureSignal(String userId, Kind kind, long at) {

    /** What a signal says. */
    public enum Kind {
        /** The user asked to be erased (GDPR): their history is forgotten. */
        ERASED,
        /** The receiving server accepted an e-mail to the user (provider webhook). */
        EMAIL_DELIVERED,
        /** A person opened an e-mail (machine opens are not signals). */
        EMAIL_OPENED,
        /** The user followed a tracked link of an e-mail. */
        EMAIL_CLICKED,
        /** The user unsubscribed or complained. */
        UNSUBSCRIBED
    }

    /** The erasure of {@code userId}. */
    public static FeatureSignal erased(String userId) {
        return new FeatureSignal(userId, Kind.ERASED, 0L);
    }
}
