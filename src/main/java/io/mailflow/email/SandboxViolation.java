package io.mailflow.email;

/**
 * A template tried something the sandbox does not allow (a method outside the allow-list, a file outside the
 * template directory) or went past a limit (loop length, work, size, depth). Thrown while rendering and turned
 * into a {@link TemplateException} by {@link TemplateRenderer}; the reason names what was refused, never a value.
 */
final class SandboxViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String template;
    private final int line;

    SandboxViolation(String template, int line, String reason) {
        super(reason, null, false, false);
        this.template = template;
        this.line = line;
    }

    /** The template the violation happened in, or null when only the renderer knows it. */
    String template() {
        return template;
    }

    /** The line of the violation, or 0 when unknown. */
    int line() {
        return line;
    }
}
