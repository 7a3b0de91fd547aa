package io.mailflow.model;

import java.util.Locale;

/**
 * A change to what Mailflow may do with a user's address, keyed by user:
 * <ul>
 *   <li>{@code PROFILE}: a new or updated profile ({@code profile} set);
 *   <li>{@code SUPPRESS}: stop e-mailing this user ({@code reason}: BOUNCED, COMPLAINED, UNSUBSCRIBED, ...); with
 *       a {@code campaignType}, stop only e-mails of that campaign type (reason UNSUBSCRIBED);
 *   <li>{@code ERASE}: GDPR erasure: forget the profile and everything else held for the user, and suppress;
 *   <li>{@code RESUBSCRIBE}: the user asked for e-mails again (their consent, from a signed link of one of their
 *       e-mails): with a {@code campaignType}, lifts the unsubscribe from that type; without, lifts an earlier
 *       {@code UNSUBSCRIBED} suppression and every campaign-type unsubscribe (never a bounce, complaint or erasure).
 * </ul>
 *
 * @param campaignType the campaign type a SUPPRESS or RESUBSCRIBE is about ({@link #campaignTypeOf}), or null for
 *     all e-mails
 */
public record ContactUpdate(
        String userId, Kind kind, UserProfile profile, String reason, long at, String campaignType) {

    /** What the update does. */
    public enum Kind {
        PROFILE,
        SUPPRESS,
        ERASE,
        RESUBSCRIBE
    }

    /** An update about all of the user's e-mails. */
    public ContactUpdate(String userId, Kind kind, UserProfile profile, String reason, long at) {
        this(userId, kind, profile, reason, at, null);
    }

    public static ContactUpdate profile(UserProfile p) {
        return new ContactUpdate(p.userId(), Kind.PROFILE, p, null, p.updatedAt());
    }

    public static ContactUpdate suppress(String userId, String reason, long at) {
        return new ContactUpdate(userId, Kind.SUPPRESS, null, reason, at);
    }

    /** The user unsubscribed from one campaign type only. */
    public static ContactUpdate unsubscribeFrom(String userId, String campaignType, long at) {
        return new ContactUpdate(userId, Kind.SUPPRESS, null, "UNSUBSCRIBED", at, campaignType);
    }

    /** The user subscribed again: to one campaign type, or to all e-mails when {@code campaignType} is null. */
    public static ContactUpdate resubscribe(String userId, String campaignType, long at) {
        return new ContactUpdate(userId, Kind.RESUBSCRIBE, null, "RESUBSCRIBED", at, campaignType);
    }

    public static ContactUpdate erase(String userId, long at) {
        return new ContactUpdate(userId, Kind.ERASE, null, "ERASED", at);
    }

    /** This update for another user id (its profile's too): how the contact parsers put in the pseudonym. */
    public ContactUpdate withUserId(String id) {
        UserProfile p = profile == null
                ? null
                : new UserProfile(
                        id,
                        profile.email(),
                        profile.name(),
                        profile.locale(),
                        profile.timeZone(),
                        profile.consent(),
                        profile.updatedAt());
        return new ContactUpdate(id, kind, p, reason, at, campaignType);
    }

    /** True when this update stops sends (of all types, or of its {@code campaignType}). */
    public boolean stops() {
        return switch (kind) {
            case PROFILE -> !profile.consent();
            case SUPPRESS, ERASE -> true;
            case RESUBSCRIBE -> false;
        };
    }

    /** True when this update stops a request of the given trigger type. */
    public boolean stops(String trigger) {
        return stops() && (campaignType == null || campaignType.equals(campaignTypeOf(trigger)));
    }

    /**
     * The campaign type of a request: the wire name of its trigger type ({@code ABANDONED_CART} is
     * {@code abandoned-cart}), the names the preference page and the suppressions topic use.
     */
    public static String campaignTypeOf(String trigger) {
        return trigger == null ? "" : trigger.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
