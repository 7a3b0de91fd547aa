package io.mailflow.email;

import java.util.Map;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.event.EventCartridge;
import org.apache.velocity.app.event.ReferenceInsertionEventHandler;

/**
 * The context of one render, with its budget. Every variable assignment (each {@code #set}, each
 * {@code #foreach} step) and every macro call costs one unit of work, and every inserted value costs its
 * length in characters, so that neither nested loops, wide recursion nor a string doubling itself in a
 * loop can keep a task manager busy or exhaust its heap: past a limit the render stops with a reason.
 */
final class SandboxContext extends VelocityContext {
    private final TemplateRenderer.Limits limits;
    private final String template;
    private long work;
    private long inserted;

    SandboxContext(Map<String, Object> values, TemplateRenderer.Limits limits, String template, boolean escapeHtml) {
        super(values);
        this.limits = limits;
        this.template = template;
        EventCartridge cartridge = new EventCartridge();
        cartridge.addEventHandler(
                (ReferenceInsertionEventHandler) (c, reference, value) -> insert(reference, value, escapeHtml));
        cartridge.attachToContext(this);
    }

    private Object insert(String reference, Object value, boolean escapeHtml) {
        if (value == null) {
            return null;
        }
        String s = value.toString();
        inserted += s.length();
        if (inserted > limits.maxInsertedChars()) {
            throw new SandboxViolation(
                    template,
                    0,
                    "size limit of " + limits.maxInsertedChars() + " inserted characters exceeded (at " + reference
                            + ")");
        }
        return escapeHtml ? HtmlEscaper.escape(s) : value;
    }

    @Override
    public Object internalPut(String key, Object value) {
        spend();
        return super.internalPut(key, value);
    }

    @Override
    public void pushCurrentMacroName(String s) {
        spend();
        super.pushCurrentMacroName(s);
    }

    private void spend() {
        if (++work > limits.maxWork()) {
            throw new SandboxViolation(
                    template,
                    0,
                    "work limit of " + limits.maxWork()
                            + " steps (assignments, loop iterations, macro calls) exceeded");
        }
    }
}
