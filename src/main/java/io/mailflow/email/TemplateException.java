package io.mailflow.email;

/** A template could not be rendered; says which template, where, and why. */
public final class TemplateException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String template;
    private final int line;

    public TemplateException(String template, int line, String reason) {
        super("template " + template + (line > 0 ? " line " + line : "") + ": " + reason);
        this.template = template;
        this.line = line;
    }

    public String template() {
        return template;
    }

    public int line() {
        return line;
    }
}
