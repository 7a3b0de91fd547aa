package io.mailflow.campaigns.rules;

import io.mailflow.campaigns.UserFacts;
import io.mailflow.campaigns.UserSignal;
import io.mailflow.recommendations.SessionItems;

/** What a signal says about a user's facts, and when. */
public final class Signals {
    /** Items of the latest session kept in the user's facts (recommendation context). */
    static final int RECENT_ITEMS = 20;

    private Signals() {}

    /** The event time of a signal: session end, event time, assignment or score time, feature time. */
    public static long time(UserSignal s) {
        if (s.session() != null) {
            return s.session().end();
        } else if (s.event() != null) {
            return s.event().timestamp();
        } else if (s.segment() != null) {
            return s.segment().asOf();
        } else if (s.score() != null) {
            return s.score().timestamp();
        } else if (s.features() != null) {
            return s.features().asOf();
        } else if (s.catalog() != null) {
            return s.catalog().at();
        }
        throw new IllegalArgumentException("a signal without content for " + s.userId());
    }

    /**
     * The user's facts after a signal, or {@code before} itself if the signal does not change them (an event).
     */
    public static UserFacts apply(UserFacts before, UserSignal s) {
        if (s.session() != null) {
            return before.withRecentItems(
                    SessionItems.of(s.session(), RECENT_ITEMS).items(),
                    s.session().end());
        } else if (s.segment() != null) {
            return before.withSegment(
                    s.segment().segment(),
                    s.segment().modelVersion(),
                    s.segment().asOf());
        } else if (s.score() != null) {
            return before.withScore(
                    s.score().score(), s.score().modelVersion(), s.score().timestamp());
        } else if (s.features() != null) {
            return before.withFeatures(
                    s.features().vector(),
                    s.features().standardized(),
                    s.features().asOf());
        }
        return before;
    }
}
