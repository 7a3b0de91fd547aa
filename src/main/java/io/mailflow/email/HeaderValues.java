package io.mailflow.email;

/**
 * Guards against header injection: a value that ends up in a mail header (subject, display names)
 * must not contain CR or LF, or a crafted name could add a Bcc: header. Such requests are rejected,
 * never silently cleaned, so that the attempt is visible in the dead letters.
 */
public final class HeaderValues {
    /** How the message of a blocked header value begins. */
    static final String BLOCKED = "header injection blocked: ";

    private HeaderValues() {}

    /** @throws IllegalArgumentException naming the header when the value contains CR, LF or NUL */
    public static String require(String header, String value) {
        if (value != null) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\r' || c == '\n' || c == '\0') {
                    throw new IllegalArgumentException(BLOCKED + header + " contains a line break or NUL");
                }
            }
        }
        return value;
    }
}
