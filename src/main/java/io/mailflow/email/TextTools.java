package io.mailflow.email;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The helpers a template may call, as {@code $text}: the only objects in a template's context besides plain
 * data (strings, numbers, maps, lists). Each is a pure function of its arguments with output bounded by them.
 */
public final class TextTools {
    static final TextTools INSTANCE = new TextTools();

    private TextTools() {}

    /** {@code $text.truncate($name, 20)}: at most {@code max} characters, with an ellipsis when cut. */
    public String truncate(String s, int max) {
        if (s == null || max < 0 || s.length() <= max) {
            return s == null ? "" : s;
        }
        return s.substring(0, max) + "…";
    }

    /** {@code $text.url($itemId)}: the value encoded for a URL query or path segment. */
    public String url(String s) {
        return s == null ? "" : URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** {@code $text.money(3.5)}: two decimals, locale-independent ({@code 3.50}). */
    public String money(Number n) {
        return n == null ? "" : String.format(Locale.ROOT, "%.2f", n.doubleValue());
    }
}
