package io.mailflow.delivery;

import java.util.regex.Pattern;

/**
 * The one gate for error and reply texts leaving delivery (send results, the delivery audit, dead letters).
 * Mail libraries and servers put the recipient's address into their messages ("550 5.1.1 &lt;ann@x&gt;: user
 * unknown", "Invalid Addresses: ann@x"); those topics must carry none. Every address-like token becomes
 * {@value #PLACEHOLDER}, control characters become spaces, and the text is cut to {@value #MAX_LENGTH}
 * characters. The reply code and enhanced status code ("550 5.1.1") stay, for diagnosis.
 */
public final class ErrorText {
    public static final int MAX_LENGTH = 300;
    public static final String PLACEHOLDER = "[address]";

    // Anything around an '@' up to a separator: deliberately broader than RFC 5321, so that quoted or
    // malformed local parts do not slip through.
    private static final Pattern ADDRESS = Pattern.compile("[^\\s<>()\\[\\],;:\"']*@[^\\s<>()\\[\\],;:\"']*");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\p{Cf}]+");

    private ErrorText() {}

    public static String sanitize(String text) {
        if (text == null) {
            return null;
        }
        String bounded = text.length() > 4 * MAX_LENGTH ? text.substring(0, 4 * MAX_LENGTH) : text;
        String clean = CONTROL.matcher(ADDRESS.matcher(bounded).replaceAll(PLACEHOLDER))
                .replaceAll(" ")
                .strip();
        return clean.length() > MAX_LENGTH ? clean.substring(0, MAX_LENGTH - 3) + "..." : clean;
    }
}
