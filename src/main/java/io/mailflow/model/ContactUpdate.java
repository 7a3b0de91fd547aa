package io.mailflow.model;

/**
 * A change to what Mailflow may do with a user's address, keyed by user:
 * <ul>
 *   <li>{@code PROFILE}: a new or updated profile ({@code profile} set);
 *   <li>{@code SUPPRESS}: stop e-mailing this user ({@code reason}: BOUNCED, COMPLAINED, UNSUBSCRIBED, ...);
 *   <li>{@code ERASE}: GDPR erasure: forget the profile and everything else held for the user, and suppress.
 * </ul>
 */
public record ContactUpdate(String userId, Kind kind, UserProfile profile, String reason, long at) {

    /** What the update does. */
    public enum Kind {
        PROFILE,
        SUPPRESS,
        ERASE
    }

    public static ContactUpdate profile(UserProfile p) {
        return new ContactUpdate(p.userId(), Kind.PROFILE, p, null, p.updatedAt());
    }

    public static ContactUpdate suppress(String userId, String reason, long at) {
        return new ContactUpdate(userId, Kind.SUPPRESS, null, reason, at);
    }

    public static ContactUpdate erase(String userId, long at) {
        return new ContactUpdate(userId, Kind.ERASE, null, "ERASED", at);
    }
}
