package io.mailflow.profiles;

import io.mailflow.privacy.PseudonymSettings;
import java.io.Serializable;
import java.time.Duration;

/**
 * @param bounded the job reads bounded inputs (a replay): contact topics then hold every decision until
 *     they are read to their end, instead of being marked idle
 * @param profileGrace how long a request waits (event time) for its user's profile before it is dropped
 * @param maxFutureSkew how far ahead of the wall clock a profile's {@code updatedAt} or a suppression's
 *     {@code at} may be
 * @param pseudonyms whether and how the shop's user ids in profiles and suppressions are replaced by pseudonyms
 */
public record ContactSettings(
        boolean bounded, Duration profileGrace, Duration maxFutureSkew, PseudonymSettings pseudonyms)
        implements Serializable {

    /** Settings that keep the shop's user ids. */
    public ContactSettings(boolean bounded, Duration profileGrace, Duration maxFutureSkew) {
        this(bounded, profileGrace, maxFutureSkew, PseudonymSettings.DISABLED);
    }

    /** The default bound on contact timestamps: {@link #DEFAULT_MAX_FUTURE_SKEW} ahead of the wall clock. */
    public ContactSettings(boolean bounded, Duration profileGrace) {
        this(bounded, profileGrace, DEFAULT_MAX_FUTURE_SKEW);
    }

    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofHours(1);
}
