package io.mailflow.io;

/**
 * Checks on raw payload bytes for {@link JsonFields}, without decoding them. Flink-free.
 */
final class Utf8 {
    private Utf8() {}

    /**
     * Whether {@code b} is well-formed UTF-8 (Unicode's table 3-7): exactly what the JDK's UTF-8 decoder accepts
     * when it reports malformed input, so no overlong forms, no surrogates, nothing above U+10FFFF, no truncated
     * sequence. Checked against the decoder in {@code Utf8Test}.
     */
    static boolean isStrict(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            int c = b[i];
            if (c >= 0) { // ASCII, by far the most common
                i++;
                continue;
            }
            c &= 0xFF;
            if (c < 0xC2) { // a continuation byte, or the lead of an overlong two-byte form
                return false;
            }
            if (c < 0xE0) {
                if (i + 1 >= n || !continuation(b[i + 1], 0x80, 0xBF)) {
                    return false;
                }
                i += 2;
            } else if (c < 0xF0) {
                int lo = c == 0xE0 ? 0xA0 : 0x80; // overlong
                int hi = c == 0xED ? 0x9F : 0xBF; // surrogates
                if (i + 2 >= n || !continuation(b[i + 1], lo, hi) || !continuation(b[i + 2], 0x80, 0xBF)) {
                    return false;
                }
                i += 3;
            } else if (c < 0xF5) {
                int lo = c == 0xF0 ? 0x90 : 0x80; // overlong
                int hi = c == 0xF4 ? 0x8F : 0xBF; // beyond U+10FFFF
                if (i + 3 >= n
                        || !continuation(b[i + 1], lo, hi)
                        || !continuation(b[i + 2], 0x80, 0xBF)
                        || !continuation(b[i + 3], 0x80, 0xBF)) {
                    return false;
                }
                i += 4;
            } else {
                return false;
            }
        }
        return true;
    }

    private static boolean continuation(byte b, int lo, int hi) {
        int c = b & 0xFF;
        return c >= lo && c <= hi;
    }

    /**
     * Whether Jackson's byte parser could take {@code b} for something other than plain UTF-8 text: it skips a
     * UTF-8 byte-order mark (which the text parser refuses) and reads UTF-16 or UTF-32 when it sees a zero byte among
     * the first four.
     */
    static boolean mayBeDetectedOtherwise(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
            return true;
        }
        for (int i = 0; i < Math.min(4, b.length); i++) {
            if (b[i] == 0) {
                return true;
            }
        }
        return false;
    }
}
