package io.mailflow.profiles;

import io.mailflow.model.ContactUpdate;
import io.mailflow.model.UserProfile;
import io.mailflow.privacy.PersonalDataCipher;

/**
 * What encryption does to contact data (with {@code privacy.encryption.enabled}): a profile's address and name are
 * encrypted under the user's data key as soon as they are read, so no operator state, checkpoint or later stream
 * holds them in plain text; an erasure deletes the user's key (crypto-shredding), after which no copy of them, in any
 * topic, checkpoint or savepoint, can be decrypted again.
 */
public final class Encrypted {
    private static final String EMAIL = PersonalDataCipher.EMAIL;
    private static final String NAME = PersonalDataCipher.NAME;

    private Encrypted() {}

    /** The update with its profile encrypted (creating the user's key); an erasure deletes the user's key. */
    static ContactUpdate update(ContactUpdate u, PersonalDataCipher cipher) {
        return switch (u.kind()) {
            case PROFILE -> ContactUpdate.profile(profile(u.profile(), cipher));
            case ERASE -> {
                cipher.erase(u.userId());
                yield u;
            }
            default -> u;
        };
    }

    /** The profile with address and name encrypted, creating the user's key when there is none. */
    static UserProfile profile(UserProfile p, PersonalDataCipher cipher) {
        return new UserProfile(
                p.userId(),
                cipher.encryptCreatingKey(p.userId(), EMAIL, p.email()),
                cipher.encryptCreatingKey(p.userId(), NAME, p.name()),
                p.locale(),
                p.timeZone(),
                p.consent(),
                p.updatedAt());
    }

    /** True when the profile holds plain text (written before encryption was turned on). */
    static boolean isPlain(UserProfile p) {
        return (p.email() != null && !PersonalDataCipher.isEncrypted(p.email()))
                || (p.name() != null && !PersonalDataCipher.isEncrypted(p.name()));
    }
}
