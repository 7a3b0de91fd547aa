package io.mailflow.profiles;

import io.mailflow.io.InputRules;
import io.mailflow.model.UserProfile;
import io.mailflow.privacy.KeyUnavailableException;
import io.mailflow.privacy.PersonalDataCipher;
import java.util.regex.Pattern;

/**
 * Profiles the shop publishes already sealed (docs/privacy.md, "Sealed profiles from the shop"): the {@code email}
 * and {@code name} of a profile document may be ciphertexts in the job's own form, {@code mfe1.<data key id>.<base64url
 * of nonce, ciphertext and tag>}, made under the user's data key in the key topic with the user id the job keys by
 * (its pseudonym when pseudonyms are on) and the field name as associated data. {@code mfe1.} is the marker and its
 * version; {@code ProfileCli seal} writes them. The profiles topic then holds no readable address or name, and an
 * erasure (the user's key deleted) leaves nothing in it that can be read.
 *
 * <p>The job takes a sealed value only if it opens under the user's key and holds what a plain one may (an address
 * in the form the job sends to, a clean name); anything else is a dead letter with the reason.
 */
public final class SealedProfiles {
    /** The form of a sealed field: marker and version, data key id, base64url (at least nonce and tag). */
    static final Pattern FORM = Pattern.compile("mfe1\\.[A-Za-z0-9_-]{1,32}\\.[A-Za-z0-9_-]{38,1400}");

    /** Longest name a profile may carry, sealed or not. */
    static final int MAX_NAME = 200;

    private SealedProfiles() {}

    /** True when {@code value} claims to be sealed (it carries the marker); {@link #wellFormed} says if it can be. */
    public static boolean isSealed(String value) {
        return PersonalDataCipher.isEncrypted(value);
    }

    static boolean wellFormed(String value) {
        return FORM.matcher(value).matches();
    }

    /** True when the profile's address or name arrived sealed. */
    static boolean hasSealedFields(UserProfile p) {
        return isSealed(p.email()) || isSealed(p.name());
    }

    /**
     * Why a sealed profile is refused: the reason (never quoting the value), and whether it is because a field could
     * not be opened at all (erased or missing key, another user's or altered value) rather than opened to something
     * invalid.
     */
    public record Rejection(String reason, boolean unreadable) {}

    /**
     * Null when every sealed field of {@code p} opens under the key of {@code p.userId()} and holds what a plain
     * field may; otherwise why not.
     */
    static Rejection problem(UserProfile p, PersonalDataCipher cipher) {
        String user = p.userId();
        if (isSealed(p.email())) {
            String address;
            try {
                address = cipher.decrypt(user, PersonalDataCipher.EMAIL, p.email());
            } catch (KeyUnavailableException e) {
                return new Rejection(
                        "has a sealed 'email' that does not open under the user's key (erased, another user's or altered)",
                        true);
            }
            if (!address.equals(ProfileParser.address(address))) {
                return new Rejection(
                        "has a sealed 'email' that is not exactly one address in the form the job sends to", false);
            }
        }
        if (isSealed(p.name())) {
            String name;
            try {
                name = cipher.decrypt(user, PersonalDataCipher.NAME, p.name());
            } catch (KeyUnavailableException e) {
                return new Rejection(
                        "has a sealed 'name' that does not open under the user's key (erased, another user's or altered)",
                        true);
            }
            if (name.length() > MAX_NAME || InputRules.uncleanCharacter(name) != null) {
                return new Rejection("has a sealed 'name' that is too long or holds control characters", false);
            }
        }
        return null;
    }
}
