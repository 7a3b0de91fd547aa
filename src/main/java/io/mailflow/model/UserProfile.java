package io.mailflow.model;

/**
 * The contact details Mailflow may use for a user. {@code email} is personal data: never log it.
 *
 * @param locale BCP 47 tag such as {@code en} or {@code zh-CN}
 * @param timeZone IANA zone id such as {@code Europe/Berlin}
 * @param consent whether the user agreed to marketing e-mail
 * @param updatedAt epoch millis of the change, later updates win
 */
public record UserProfile(
        String userId, String email, String name, String locale, String timeZone, boolean consent, long updatedAt) {}
