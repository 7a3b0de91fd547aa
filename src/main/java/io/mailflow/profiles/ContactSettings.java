package io.mailflow.profiles;

import io.mailflow.privacy.EncryptionSettings;
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
 * @param encryption whether addresses and names are encrypted under per-user keys when read (and erasures delete
 *     the user's key)
 */
public record ContactSettings(
        boolean bounded,
        Duration profileGrace,
        Duration maxFutureSkew,
        PseudonymSettings pseudonyms,
        EncryptionSettings encryption)
        implements Serializable {

    /** Settings without encryption of personal data. */
    public ContactSettings(
            boolean bounded, Duration profileGrace, Duration maxFutureSkew, PseudonymSettings pseudonyms) {
        this(bounded, profileGrace, maxFutureSkew, pseudonyms, EncryptionSettings.DISABLED);
    }

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
