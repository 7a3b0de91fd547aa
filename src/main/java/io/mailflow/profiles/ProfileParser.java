package io.mailflow.profiles;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.io.InputRules;
import io.mailflow.model.UserProfile;
import java.io.Serializable;
import java.net.IDN;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.regex.Pattern;

/**
 * Parses and validates one profile document: the one place where the profile schema's rules are enforced
 * (docs/events.md, "Profiles"). Error messages never contain the e-mail address. {@link #parse} never throws.
 *
 * <ul>
 *   <li>{@code userId}: required identifier (safe alphabet, 1-128);
 *   <li>{@code email}: required, exactly one address ({@link #address}): an ASCII dot-atom local part of at
 *       most 64 characters, {@code @}, and a domain name (IDN allowed, stored in its ASCII form), 254 at most;
 *       no display name, comments, quotes, commas, spaces, control, bidirectional or invisible characters;
 *   <li>{@code email} and {@code name} may instead be sealed under the user's data key ({@code mfe1.} in front,
 *       {@link SealedProfiles}): only their form is checked here, their content where the key is;
 *   <li>{@code name}: clean text of at most 200 characters; {@code locale} a BCP 47 tag (default {@code en});
 *       {@code timeZone} an IANA zone id (default {@code UTC});
 *   <li>{@code consent}: a boolean; absent means <em>no</em> consent (fail closed);
 *   <li>{@code updatedAt}: epoch milliseconds or ISO-8601, 0 when absent, never more than the allowed skew
 *       ahead of the wall clock (a far-future update would otherwise win over every later one).
 * </ul>
 */
public final class ProfileParser implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int MAX_PAYLOAD_BYTES = 16 * 1024;
    static final int MAX_ADDRESS = 254;
    private static final Pattern LOCAL =
            Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern TLD = Pattern.compile("[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59}");
    private static final Pattern LOCALE = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}");

    private final long maxFutureSkewMs;

    /** With the default bound on {@code updatedAt}: one hour ahead of the wall clock. */
    public ProfileParser() {
        this(Duration.ofHours(1));
    }

    public ProfileParser(Duration maxFutureSkew) {
        this.maxFutureSkewMs = maxFutureSkew.toMillis();
    }

    /** Exactly one of {@code profile} and {@code error} is set. */
    public record Result(UserProfile profile, String error) {}

    /** Parses against the wall clock. */
    public Result parse(byte[] payload) {
        return parse(payload, System.currentTimeMillis());
    }

    public Result parse(byte[] payload, long nowMillis) {
        JsonNode n;
        try {
            n = InputRules.object(payload, MAX_PAYLOAD_BYTES, "profile");
        } catch (InputRules.Invalid e) {
            // the parser's message may quote the document, which holds personal data: say only what failed
            String m = e.getMessage();
            return new Result(null, m.startsWith("malformed JSON") ? "malformed JSON profile" : m);
        } catch (RuntimeException e) {
            return new Result(null, "malformed JSON profile");
        }
        String userId;
        try {
            userId = InputRules.requiredId(n, "userId", 128);
        } catch (InputRules.Invalid e) {
            return new Result(
                    null, "profile needs a 'userId' of 1 to 128 characters (letters, digits, . _ : @ # / + = ~ -)");
        } catch (RuntimeException e) {
            return new Result(
                    null, "profile needs a 'userId' of 1 to 128 characters (letters, digits, . _ : @ # / + = ~ -)");
        }
        try {
            return new Result(toProfile(n, userId, nowMillis), null);
        } catch (InputRules.Invalid e) {
            return new Result(null, "profile of user " + userId + " " + e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            return new Result(
                    null,
                    "profile of user " + userId + " is invalid (" + e.getClass().getSimpleName() + ")");
        }
    }

    private UserProfile toProfile(JsonNode n, String userId, long now) {
        JsonNode e = n.get("email");
        String email;
        if (e != null && e.isTextual() && SealedProfiles.isSealed(e.textValue())) {
            // sealed by the shop: its form here, its content once opened under the user's key (SealedProfiles)
            email = sealed(e.textValue(), "email");
        } else {
            email = e != null && e.isTextual() ? address(e.textValue()) : null;
        }
        if (email == null) {
            throw new InputRules.Invalid("has no valid 'email'");
        }
        String name;
        JsonNode nameNode = n.get("name");
        if (nameNode != null && nameNode.isTextual() && SealedProfiles.isSealed(nameNode.textValue())) {
            name = sealed(nameNode.textValue(), "name");
        } else {
            try {
                name = InputRules.optionalText(n, "name", SealedProfiles.MAX_NAME);
            } catch (InputRules.Invalid bad) {
                throw new InputRules.Invalid("has an invalid 'name' (too long or control characters)");
            }
        }
        String locale = orDefault(InputRules.optionalText(n, "locale", 35), "en");
        if (!LOCALE.matcher(locale).matches()) {
            throw new InputRules.Invalid("has an invalid 'locale' '" + InputRules.abbreviate(locale) + "'");
        }
        String zone = orDefault(InputRules.optionalText(n, "timeZone", 64), "UTC");
        try {
            ZoneId.of(zone);
        } catch (DateTimeException bad) {
            throw new InputRules.Invalid("has an unknown time zone '" + InputRules.abbreviate(zone) + "'");
        }
        JsonNode c = n.get("consent");
        if (c != null && !c.isNull() && !c.isBoolean()) {
            throw new InputRules.Invalid("has an invalid 'consent' (must be true or false)");
        }
        boolean consent = c != null && c.isBoolean() && c.booleanValue(); // absent: no consent
        Long updated = InputRules.optionalTime(n, "updatedAt");
        long updatedAt = updated == null ? 0L : updated;
        if (updatedAt < 0) {
            throw new InputRules.Invalid("has a negative 'updatedAt'");
        }
        if (updatedAt > InputRules.MAX_TIMESTAMP || updatedAt - now > maxFutureSkewMs) {
            throw new InputRules.Invalid(
                    "has an 'updatedAt' more than " + Duration.ofMillis(maxFutureSkewMs) + " in the future");
        }
        return new UserProfile(userId, email, name == null ? "" : name, locale, zone, consent, updatedAt);
    }

    private static String sealed(String value, String field) {
        if (!SealedProfiles.wellFormed(value)) {
            throw new InputRules.Invalid("has a malformed sealed '" + field + "' (expected mfe1.<key id>.<base64url>)");
        }
        return value;
    }

    /**
     * The address in the form Mailflow sends to (domain in ASCII), or null unless {@code raw} is exactly one
     * plain address: {@code a,b@x.com}, {@code "A" <a@x.com>}, spaces, control, bidirectional and invisible
     * characters are all refused.
     */
    public static String address(String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > MAX_ADDRESS || InputRules.uncleanCharacter(raw) != null) {
            return null;
        }
        int at = raw.lastIndexOf('@');
        if (at <= 0 || at != raw.indexOf('@') || at == raw.length() - 1) {
            return null;
        }
        String local = raw.substring(0, at);
        String domain = raw.substring(at + 1);
        if (local.length() > 64 || !LOCAL.matcher(local).matches()) {
            return null;
        }
        String ascii;
        try {
            ascii = IDN.toASCII(domain, 0); // rejects what IDNA rejects; keeps plain ASCII names as they are
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (ascii.length() > 253) {
            return null;
        }
        String[] labels = ascii.split("\\.", -1);
        if (labels.length < 2) {
            return null;
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return null;
            }
        }
        if (!TLD.matcher(labels[labels.length - 1]).matches()) {
            return null;
        }
        String address = local + "@" + ascii;
        return address.length() <= MAX_ADDRESS ? address : null;
    }

    private static String orDefault(String v, String d) {
        return v == null || v.isBlank() ? d : v;
    }
}
