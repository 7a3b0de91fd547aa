package io.mailflow.email;

import io.mailflow.model.AddressedRequest;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.LineItem;
import io.mailflow.model.Recipient;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.velocity.Template;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;
import org.apache.velocity.app.event.EventCartridge;
import org.apache.velocity.app.event.ReferenceInsertionEventHandler;
import org.apache.velocity.context.Context;
import org.apache.velocity.exception.MethodInvocationException;
import org.apache.velocity.exception.ParseErrorException;
import org.apache.velocity.exception.ResourceNotFoundException;
import org.apache.velocity.runtime.RuntimeConstants;

/**
 * Renders e-mails from Velocity templates laid out as {@code <templateId>/<locale>/{subject,html,text}.vm}.
 *
 * <p>Strict references: a misspelt or missing variable is an error, not an empty string. Every value
 * inserted into the HTML part is HTML-escaped. Templates are parsed once and cached. Locales fall back
 * from {@code zh-CN} to {@code zh} to {@code en}. Templates are looked up first in an optional
 * override directory, then on the classpath under {@code templates/}.
 */
public final class TemplateRenderer {
    static final String FALLBACK_LOCALE = "en";

    private final VelocityEngine engine;
    private final Map<String, Template> cache = new ConcurrentHashMap<>();
    private final Map<String, Object> globals;

    /**
     * @param overrideDir a directory searched before the built-in templates, or empty
     * @param globals values visible to every template (shop URL, sender name, ...)
     */
    public TemplateRenderer(String overrideDir, Map<String, Object> globals) {
        Properties p = new Properties();
        p.setProperty(RuntimeConstants.RUNTIME_REFERENCES_STRICT, "true");
        p.setProperty(RuntimeConstants.INPUT_ENCODING, "UTF-8");
        if (overrideDir == null || overrideDir.isBlank()) {
            p.setProperty(RuntimeConstants.RESOURCE_LOADERS, "classpath");
        } else {
            p.setProperty(RuntimeConstants.RESOURCE_LOADERS, "file,classpath");
            p.setProperty("resource.loader.file.path", overrideDir);
        }
        p.setProperty("resource.loader.classpath.class",
                "org.apache.velocity.runtime.resource.loader.ClasspathResourceLoader");
        this.engine = new VelocityEngine(p);
        this.engine.init();
        this.globals = Map.copyOf(globals);
    }

    /** The three rendered parts of one e-mail. */
    public record Rendered(String subject, String html, String text) {}

    /** Renders with a placeholder unsubscribe URL: for previews and template tests. */
    public Rendered render(AddressedRequest addressed) throws TemplateException {
        return render(addressed, Map.of("unsubscribeUrl", "https://example.invalid/unsubscribe"));
    }

    /** Renders with extra per-message values (for example the signed unsubscribe URL). */
    public Rendered render(AddressedRequest addressed, Map<String, Object> extra) throws TemplateException {
        EmailRequest r = addressed.request();
        String locale = addressed.recipient().locale();
        VelocityContext ctx = context(r, addressed.recipient());
        extra.forEach(ctx::put);
        // Subjects are one line: template whitespace (directives, line breaks) collapses to single spaces.
        String subject = merge(template(r.templateId(), locale, "subject.vm"), ctx, false).strip().replaceAll("\\s+", " ");
        String html = merge(template(r.templateId(), locale, "html.vm"), ctx, true);
        String text = merge(template(r.templateId(), locale, "text.vm"), ctx, false);
        return new Rendered(subject, html, text);
    }

    private VelocityContext context(EmailRequest r, Recipient to) {
        VelocityContext ctx = new VelocityContext(new HashMap<>(globals));
        String name = to.name() == null || to.name().isBlank() ? "" : to.name();
        ctx.put("name", name);
        ctx.put("userId", r.userId());
        ctx.put("campaignId", r.campaignId());
        ctx.put("requestId", r.requestId());
        String currency = r.currency() == null ? "" : r.currency();
        ctx.put("currency", currency);
        List<Map<String, Object>> items = new ArrayList<>();
        double total = 0;
        for (LineItem i : r.items()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("itemId", i.itemId());
            m.put("categoryId", i.categoryId() == null ? "" : i.categoryId());
            m.put("quantity", i.quantity());
            m.put("price", i.price() == null ? "" : money(i.price()));
            items.add(m);
            if (i.price() != null) {
                total += i.price() * i.quantity();
            }
        }
        ctx.put("items", items);
        List<Map<String, Object>> recs = new ArrayList<>();
        if (r.recommendations() != null) {
            for (io.mailflow.model.Recommendation rec : r.recommendations()) {
                recs.add(Map.of("itemId", rec.itemId(), "source", rec.source()));
            }
        }
        ctx.put("recommendations", recs);
        ctx.put("trigger", r.trigger() == null ? "" : r.trigger());
        ctx.put("variant", r.variant() == null ? "" : r.variant());
        ctx.put("itemCount", items.size());
        ctx.put("total", money(total));
        return ctx;
    }

    private static String money(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** Finds and caches the template for the locale, falling back to its language, then English. */
    Template template(String templateId, String locale, String part) throws TemplateException {
        List<String> candidates = new ArrayList<>();
        String loc = locale == null || locale.isBlank() ? FALLBACK_LOCALE : locale;
        candidates.add(loc);
        int dash = loc.indexOf('-');
        if (dash > 0) {
            candidates.add(loc.substring(0, dash));
        }
        candidates.add(FALLBACK_LOCALE);
        for (String c : candidates) {
            String name = "templates/" + templateId + "/" + c + "/" + part;
            Template t = cache.get(name);
            if (t != null) {
                return t;
            }
            if (engine.resourceExists(name)) {
                try {
                    t = engine.getTemplate(name, "UTF-8");
                } catch (ParseErrorException e) {
                    throw new TemplateException(name, e.getLineNumber(), "syntax error: " + firstLine(e.getMessage()));
                } catch (ResourceNotFoundException e) {
                    continue;
                }
                cache.put(name, t);
                return t;
            }
        }
        throw new TemplateException("templates/" + templateId + "/" + loc + "/" + part, 0, "template not found (also tried " + candidates + ")");
    }

    private String merge(Template t, VelocityContext base, boolean escapeHtml) throws TemplateException {
        Context ctx = base;
        if (escapeHtml) {
            VelocityContext wrapped = new VelocityContext(base);
            EventCartridge cartridge = new EventCartridge();
            cartridge.addEventHandler((ReferenceInsertionEventHandler) (c, reference, value) ->
                    value == null ? null : HtmlEscaper.escape(value.toString()));
            cartridge.attachToContext(wrapped);
            ctx = wrapped;
        }
        StringWriter w = new StringWriter();
        try {
            t.merge(ctx, w);
        } catch (MethodInvocationException e) {
            throw new TemplateException(t.getName(), e.getLineNumber(), firstLine(e.getMessage()));
        } catch (ParseErrorException e) {
            throw new TemplateException(t.getName(), e.getLineNumber(), firstLine(e.getMessage()));
        } catch (RuntimeException e) {
            throw new TemplateException(t.getName(), 0, e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
        }
        return w.toString();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
