package io.mailflow.email;

import java.util.Locale;

/**
 * A template could not be rendered; says which template, where, and why. The message goes to the dead
 * letters, so it must never carry personal data or a secret: see {@link #redacted}.
 */
public final class TemplateException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String template;
    private final int line;
    private final String reason;

    public TemplateException(String template, int line, String reason) {
        super("template " + template + (line > 0 ? " line " + line : "") + ": " + reason);
        this.template = template;
        this.line = line;
        this.reason = reason;
    }

    public String template() {
        return template;
    }

    public int line() {
        return line;
    }

    public String reason() {
        return reason;
    }

    /**
     * The same error with every occurrence of the given values (the recipient's address, a secret) replaced,
     * whatever their case: a reason quoting a value from the data must not carry it into the dead letters.
     */
    public TemplateException redacted(String... values) {
        String r = reason;
        for (String v : values) {
            r = redact(r, v);
        }
        return r.equals(reason) ? this : new TemplateException(template, line, r);
    }

    static String redact(String text, String value) {
        if (text == null || value == null || value.isEmpty()) {
            return text;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        String needle = value.toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(text.length());
        int from = 0;
        for (int at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, from)) {
            sb.append(text, from, at).append("<redacted>");
            from = at + needle.length();
        }
        return sb.append(text, from, text.length()).toString();
    }
}
