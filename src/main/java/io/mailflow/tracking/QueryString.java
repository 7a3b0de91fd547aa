package io.mailflow.tracking;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * One parameter of a URL's query ({@code application/x-www-form-urlencoded}: {@code +} is a space, {@code %XX} a
 * byte, the bytes UTF-8), found without decoding the others: the redirect endpoint reads two parameters of a long
 * query on every click, and decoding all of them into a map was a tenth of its work (docs/benchmarks.md). The first
 * occurrence of a name wins, as with Jetty's {@code Fields#getValue}. A value that is not well-formed (a {@code %}
 * without two hex digits after it, bytes that are not UTF-8) reads as absent: the endpoints then refuse the request,
 * as they do when the parameter is missing.
 */
final class QueryString {
    private QueryString() {}

    /** The decoded value of the first parameter called {@code name} (a plain ASCII name), or null. */
    static String value(String query, String name) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        int n = query.length();
        int start = 0;
        while (start <= n) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = n;
            }
            int eq = query.indexOf('=', start);
            int nameEnd = eq >= 0 && eq < end ? eq : end;
            if (nameEnd - start == name.length() && query.startsWith(name, start)) {
                return eq >= 0 && eq < end ? decode(query, eq + 1, end) : "";
            }
            start = end + 1;
        }
        return null;
    }

    /** An ASCII hex digit's value, or -1 (not {@link Character#digit}, which also takes other scripts' digits). */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static String decode(String s, int from, int to) {
        boolean plain = true;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%' || c == '+' || c > 0x7F) {
                plain = false;
                break;
            }
        }
        if (plain) {
            return s.substring(from, to);
        }
        byte[] bytes = new byte[(to - from) * 3];
        int len = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '+') {
                bytes[len++] = ' ';
            } else if (c == '%') {
                if (i + 2 >= to) {
                    return null;
                }
                int hi = hex(s.charAt(i + 1));
                int lo = hex(s.charAt(i + 2));
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes[len++] = (byte) (hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                bytes[len++] = (byte) c;
            } else {
                // a raw non-ASCII character in the query (a client that did not encode it): its UTF-8 bytes
                int cp = s.codePointAt(i);
                byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(utf8, 0, bytes, len, utf8.length);
                len += utf8.length;
                i += Character.charCount(cp) - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, len))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
