package io.mailflow.profiles;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.io.Json;
import io.mailflow.model.UserProfile;
import java.io.Serializable;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.regex.Pattern;

/** Parses and validates one profile document. Error messages never contain the e-mail address. */
public final class ProfileParser implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s\\r\\n]{1,64}@[A-Za-z0-9.-]{1,253}\\.[A-Za-z]{2,63}$");
    private static final Pattern NO_CONTROL = Pattern.compile("[^\\p{Cntrl}]*");

    /** Exactly one of {@code profile} and {@code error} is set. */
    public record Result(UserProfile profile, String error) {}

    public Result parse(byte[] payload) {
        JsonNode n;
        try {
            n = Json.mapper().readTree(payload);
        } catch (Exception e) {
            return new Result(null, "malformed JSON profile");
        }
        if (n == null || !n.isObject()) {
            return new Result(null, "profile is not a JSON object");
        }
        String userId = text(n, "userId");
        if (userId == null || userId.isBlank() || userId.length() > 128) {
            return new Result(null, "profile needs a 'userId' of 1 to 128 characters");
        }
        String email = text(n, "email");
        if (email == null || !EMAIL.matcher(email).matches()) {
            return new Result(null, "profile of user " + userId + " has no valid 'email'");
        }
        String name = text(n, "name");
        if (name != null && (name.length() > 200 || !NO_CONTROL.matcher(name).matches())) {
            return new Result(null, "profile of user " + userId + " has an invalid 'name' (too long or control characters)");
        }
        String locale = orDefault(text(n, "locale"), "en");
        String zone = orDefault(text(n, "timeZone"), "UTC");
        try {
            ZoneId.of(zone);
        } catch (DateTimeException e) {
            return new Result(null, "profile of user " + userId + " has an unknown time zone '" + zone + "'");
        }
        boolean consent = !n.has("consent") || n.get("consent").asBoolean(false);
        long updatedAt = n.path("updatedAt").asLong(0L);
        return new Result(new UserProfile(userId, email, name == null ? "" : name, locale, zone, consent, updatedAt), null);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String orDefault(String v, String d) {
        return v == null || v.isBlank() ? d : v;
    }
}
