package io.mailflow.model;

/** The profile fields a rendered e-mail needs. */
public record Recipient(String email, String name, String locale, String timeZone) {

    public static Recipient of(UserProfile p) {
        return new Recipient(p.email(), p.name(), p.locale(), p.timeZone());
    }
}
