package io.mailflow.campaigns;

import io.mailflow.features.UserFeatures;
import io.mailflow.model.Event;
import io.mailflow.model.SessionSummary;
import io.mailflow.scoring.PropensityScore;
import io.mailflow.segmentation.SegmentAssignment;

/**
 * One input of the trigger operator about one user: exactly one field besides {@code userId} is set
 * (or {@code erase} is true).
 * The five per-user streams are unioned into this type because a broadcast connection takes one keyed input;
 * a {@link CatalogFact} comes from the item watchers (catalog-driven triggers).
 */
public record UserSignal(
        String userId,
        SessionSummary session,
        Event event,
        SegmentAssignment segment,
        PropensityScore score,
        UserFeatures features,
        boolean erase,
        CatalogFact catalog,
        ZoneFact zone) {

    /**
     * The time zone of the user's profile (scheduled sends go out at a local time), without the rest of the
     * profile: the trigger operator has no use for contact details. {@code timeZone} is "" for a consenting profile
     * without a zone and null for a profile without consent (no scheduled sends).
     */
    public record ZoneFact(String timeZone, long at) {}

    public UserSignal(
            String userId,
            SessionSummary session,
            Event event,
            SegmentAssignment segment,
            PropensityScore score,
            UserFeatures features,
            boolean erase,
            CatalogFact catalog) {
        this(userId, session, event, segment, score, features, erase, catalog, null);
    }

    public UserSignal(
            String userId,
            SessionSummary session,
            Event event,
            SegmentAssignment segment,
            PropensityScore score,
            UserFeatures features,
            boolean erase) {
        this(userId, session, event, segment, score, features, erase, null);
    }

    /** A catalog-driven campaign fired for the user (see {@link CatalogFact}). */
    public static UserSignal of(String userId, CatalogFact f) {
        return new UserSignal(userId, null, null, null, null, null, false, f);
    }

    public static UserSignal of(SessionSummary s) {
        return new UserSignal(s.userId(), s, null, null, null, null, false);
    }

    public static UserSignal of(Event e) {
        return new UserSignal(e.userId(), null, e, null, null, null, false);
    }

    public static UserSignal of(SegmentAssignment a) {
        return new UserSignal(a.userId(), null, null, a, null, null, false);
    }

    public static UserSignal of(PropensityScore p) {
        return new UserSignal(p.userId(), null, null, null, p, null, false);
    }

    public static UserSignal of(UserFeatures f) {
        return new UserSignal(f.userId(), null, null, null, null, f, false);
    }

    /** A profile's time zone (the only part of a profile the triggers keep). */
    public static UserSignal zone(String userId, String timeZone, long at) {
        return new UserSignal(userId, null, null, null, null, null, false, null, new ZoneFact(timeZone, at));
    }

    /** GDPR erasure: the trigger operator forgets everything it holds for the user. */
    public static UserSignal erasure(String userId) {
        return new UserSignal(userId, null, null, null, null, null, true);
    }
}
