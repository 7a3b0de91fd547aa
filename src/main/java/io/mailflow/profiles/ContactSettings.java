package io.mailflow.profiles;

import java.io.Serializable;
import java.time.Duration;

/**
 * @param bounded the job reads bounded inputs (a replay): contact topics then hold every decision until
 *     they are read to their end, instead of being marked idle
 * @param profileGrace how long a request waits (event time) for its user's profile before it is dropped
 * @param maxFutureSkew how far ahead of the wall clock a profile's {@code updatedAt} or a suppression's
 *     {@code at} may be
 */
public record ContactSettings(boolean bounded, Duration profileGrace, Duration maxFutureSkew) implements Serializable {

    /** The default bound on contact timestamps: {@link #DEFAULT_MAX_FUTURE_SKEW} ahead of the wall clock. */
    public ContactSettings(boolean bounded, Duration profileGrace) {
        this(bounded, profileGrace, DEFAULT_MAX_FUTURE_SKEW);
    }

    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofHours(1);
}
