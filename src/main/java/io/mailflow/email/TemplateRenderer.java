package io.mailflow.email;

import io.mailflow.model.AddressedRequest;
import io.mailflow.model.CatalogItem;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.LineItem;
import io.mailflow.model.Recipient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.velocity.Template;
import org.apache.velocity.app.VelocityEngine;
import org.apache.velocity.exception.MacroOverflowException;
import org.apache.velocity.exception.MethodInvocationException;
import org.apache.velocity.exception.ParseErrorException;
import org.apache.velocity.exception.ResourceNotFoundException;
import org.apache.velocity.runtime.RuntimeConstants;
import org.slf4j.helpers.NOPLogger;

/**
 * Renders e-mails from Velocity templates laid out as {@code <templateId>/<locale>/{subject,html,text}.vm}.
 *
 * <p>Strict references: a misspelt or missing variable is an error, not an empty string. Every value
 * inserted into the HTML part is HTML-escaped. Templates are parsed once and cached. Locales fall back
 * from {@code zh-CN} to {@code zh} to {@code en}. Templates are looked up first in an optional
 * override directory, then on the classpath under {@code templates/}.
 *
 * <p>Templates are untrusted code: whoever can write the template directory must not be able to read the
 * environment (the link secret, the SMTP password), run commands or stop the job. They run in a sandbox:
 * the context holds only plain data and {@link TextTools}; {@link SandboxUberspector} allows only reading
 * methods of those; {@code #parse}/{@code #include} stay inside the template tree ({@link SandboxDirectives});
 * loops, work, output size, macro and parse depth are bounded ({@link Limits}, {@link SandboxContext}). Every
 * failure, {@code StackOverflowError} included, comes out as a {@link TemplateException} naming the template,
 * the line when known and the reason, never the recipient's address. Velocity's own log is silenced: it would
 * print values (a parse argument, a resource name) that may be personal data; the exception says it all.
 */
public final class TemplateRenderer {
    static final String FALLBACK_LOCALE = "en";

    /**
     * What one render may do.
     *
     * @param maxLoopIterations iterations of one {@code #foreach}; one more is an error, not a silent cut
     * @param maxWork assignments, loop iterations and macro calls of one part
     * @param maxInsertedChars characters inserted by references in one part (string building included)
     * @param maxOutputChars characters of one rendered part
     * @param maxMacroDepth nested macro calls
     * @param maxParseDepth nested {@code #parse}
     */
    public record Limits(
            int maxLoopIterations,
            int maxWork,
            int maxInsertedChars,
            int maxOutputChars,
            int maxMacroDepth,
            int maxParseDepth) {
        /** Generous for e-mails (a cart of 1,000 items renders), tight enough that no template can hurt the job. */
        public static final Limits DEFAULTS = new Limits(1_000, 100_000, 2_000_000, 1_000_000, 10, 5);
    }

    private final VelocityEngine engine;
    private final Map<String, Template> cache = new ConcurrentHashMap<>();
    private final Map<String, Object> globals;
    private final Limits limits;

    /**
     * @param overrideDir a directory searched before the built-in templates, or empty
     * @param globals values visible to every template (shop URL, sender name, ...)
     */
    public TemplateRenderer(String overrideDir, Map<String, Object> globals) {
        this(overrideDir, globals, Limits.DEFAULTS);
    }

    public TemplateRenderer(String overrideDir, Map<String, Object> globals, Limits limits) {
        VelocityEngine e = new VelocityEngine();
        e.setProperty(RuntimeConstants.RUNTIME_REFERENCES_STRICT, "true");
        e.setProperty(RuntimeConstants.INPUT_ENCODING, "UTF-8");
        if (overrideDir == null || overrideDir.isBlank()) {
            e.setProperty(RuntimeConstants.RESOURCE_LOADERS, "classpath");
        } else {
            e.setProperty(RuntimeConstants.RESOURCE_LOADERS, "file,classpath");
            e.setProperty("resource.loader.file.path", overrideDir);
        }
        e.setProperty(
                "resource.loader.classpath.class",
                "org.apache.velocity.runtime.resource.loader.ClasspathResourceLoader");
        e.setProperty(RuntimeConstants.RUNTIME_LOG_INSTANCE, NOPLogger.NOP_LOGGER);
        e.setProperty(RuntimeConstants.UBERSPECT_CLASSNAME, SandboxUberspector.class.getName());
        e.setProperty(SandboxUberspector.MAX_LOOP_PROPERTY, Integer.toString(limits.maxLoopIterations()));
        // Velocity's own cap stops silently; one more than ours lets SandboxUberspector fail with a reason first
        e.setProperty(RuntimeConstants.MAX_NUMBER_LOOPS, Integer.toString(limits.maxLoopIterations() + 1));
        e.setProperty(RuntimeConstants.VM_MAX_DEPTH, Integer.toString(limits.maxMacroDepth()));
        e.setProperty(RuntimeConstants.PARSE_DIRECTIVE_MAXDEPTH, Integer.toString(limits.maxParseDepth()));
        e.setProperty(
                RuntimeConstants.CUSTOM_DIRECTIVES,
                SandboxDirectives.SandboxParse.class.getName() + ","
                        + SandboxDirectives.SandboxInclude.class.getName());
        e.init();
        this.engine = e;
        this.globals = Map.copyOf(globals);
        this.limits = limits;
    }

    /** The three rendered parts of one e-mail. */
    public record Rendered(String subject, String html, String text) {}

    /** Renders with a placeholder unsubscribe URL: for previews and template tests. */
    public Rendered render(AddressedRequest addressed) throws TemplateException {
        return render(
                addressed,
                Map.of(
                        "unsubscribeUrl",
                        "https://example.invalid/unsubscribe",
                        "preferencesUrl",
                        "https://example.invalid/preferences"));
    }

    /**
     * Renders with extra per-message values (for example the signed unsubscribe URL).
     *
     * @throws TemplateException for any failure of the template, its text free of the recipient's address
     */
    public Rendered render(AddressedRequest addressed, Map<String, Object> extra) throws TemplateException {
        try {
            EmailRequest r = addressed.request();
            String locale = addressed.recipient().locale();
            Map<String, Object> values = context(r, addressed.recipient());
            values.putAll(extra);
            // Subjects are one line: template whitespace (directives, line breaks) collapses to single spaces.
            String subject = merge(template(r.templateId(), locale, "subject.vm"), values, false)
                    .strip()
                    .replaceAll("\\s+", " ");
            String html = merge(template(r.templateId(), locale, "html.vm"), values, true);
            String text = merge(template(r.templateId(), locale, "text.vm"), values, false);
            return new Rendered(subject, html, text);
        } catch (TemplateException e) {
            throw e.redacted(addressed.recipient().email());
        } catch (RuntimeException e) {
            // a request the context cannot be built from (a missing list): the request's fault, not the job's
            throw new TemplateException(
                    "templates/" + addressed.request().templateId(),
                    0,
                    "cannot build the template values: " + e.getClass().getSimpleName());
        }
    }

    private Map<String, Object> context(EmailRequest r, Recipient to) {
        Map<String, Object> ctx = new HashMap<>(globals);
        ctx.put("text", TextTools.INSTANCE);
        String name = to.name() == null || to.name().isBlank() ? "" : to.name();
        ctx.put("name", name);
        ctx.put("userId", r.userId());
        ctx.put("campaignId", r.campaignId());
        ctx.put("requestId", r.requestId());
        String currency = r.currency() == null ? "" : r.currency();
        ctx.put("currency", currency);
        Object shopUrl = globals.getOrDefault("shopUrl", "");
        List<Map<String, Object>> items = new ArrayList<>();
        double total = 0;
        for (LineItem i : r.items()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("itemId", i.itemId());
            m.put("categoryId", i.categoryId() == null ? "" : i.categoryId());
            m.put("quantity", i.quantity());
            m.put("price", i.price() == null ? "" : money(i.price()));
            CatalogItem product = r.product(i.itemId());
            Double unit = product != null && product.price() != null ? product.price() : i.price();
            String unitCurrency = product != null && product.currency() != null ? product.currency() : currency;
            m.put("priceText", unit == null ? "" : Money.format(unit, unitCurrency, to.locale()));
            // the price the trigger saw when the catalog's is lower now (a price drop's "was")
            boolean fell = i.price() != null && unit != null && i.price() > unit + 1e-9;
            m.put("wasPriceText", fell ? Money.format(i.price(), unitCurrency, to.locale()) : "");
            card(m, product, to.locale(), shopUrl, i.itemId());
            items.add(m);
            if (i.price() != null) {
                total += i.price() * i.quantity();
            }
        }
        ctx.put("items", items);
        List<Map<String, Object>> recs = new ArrayList<>();
        if (r.recommendations() != null) {
            for (io.mailflow.model.Recommendation rec : r.recommendations()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("itemId", rec.itemId());
                m.put("source", rec.source());
                CatalogItem product = r.product(rec.itemId());
                m.put(
                        "priceText",
                        product == null || product.price() == null
                                ? ""
                                : Money.format(product.price(), product.currency(), to.locale()));
                card(m, product, to.locale(), shopUrl, rec.itemId());
                recs.add(m);
            }
        }
        ctx.put("recommendations", recs);
        ctx.put("trigger", r.trigger() == null ? "" : r.trigger());
        ctx.put("variant", r.variant() == null ? "" : r.variant());
        ctx.put("itemCount", items.size());
        ctx.put("total", money(total));
        ctx.put("totalText", catalogTotal(r, to.locale(), total, currency));
        ctx.put("hasProducts", r.products() != null && !r.products().isEmpty());
        return ctx;
    }

    /**
     * The cart total as the cards show it: at the catalog's prices when every item has one in one currency (the
     * cards show those), otherwise at the prices the events carried, in the request's currency.
     */
    private static String catalogTotal(EmailRequest r, String locale, double eventTotal, String currency) {
        double sum = 0;
        String cur = null;
        for (LineItem i : r.items()) {
            CatalogItem p = r.product(i.itemId());
            if (p == null || p.price() == null || (cur != null && !cur.equals(p.currency()))) {
                return Money.format(eventTotal, currency, locale);
            }
            cur = p.currency();
            sum += p.price() * i.quantity();
        }
        return cur == null ? Money.format(eventTotal, currency, locale) : Money.format(sum, cur, locale);
    }

    /**
     * The catalog's view of one item for a product card: {@code hasProduct}, the localized {@code title}, the
     * product {@code url} (the shop's item page without a catalog URL), {@code imageUrl} (empty when none),
     * {@code brand}, {@code category} path, and for a discount {@code discounted} with the {@code listPriceText}.
     * Without catalog data the title is the item id, so a template may use the card fields either way.
     */
    private static void card(Map<String, Object> m, CatalogItem p, String locale, Object shopUrl, String itemId) {
        m.put("hasProduct", p != null);
        m.put("title", p == null ? itemId : p.titleFor(locale));
        m.put("url", p != null && p.url() != null ? p.url() : shopUrl + "/item/" + itemId);
        m.put("imageUrl", p == null || p.imageUrl() == null ? "" : p.imageUrl());
        m.put("brand", p == null || p.brand() == null ? "" : p.brand());
        m.put("category", p == null ? "" : p.categoryText());
        boolean discounted = p != null && p.discounted();
        m.put("discounted", discounted);
        m.put("listPriceText", discounted ? Money.format(p.listPrice(), p.currency(), locale) : "");
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
                } catch (RuntimeException | Error e) {
                    throw failure(name, 0, e);
                }
                cache.put(name, t);
                return t;
            }
        }
        throw new TemplateException(
                "templates/" + templateId + "/" + loc + "/" + part,
                0,
                "template not found (also tried " + candidates + ")");
    }

    private String merge(Template t, Map<String, Object> values, boolean escapeHtml) throws TemplateException {
        BoundedWriter w = new BoundedWriter(limits.maxOutputChars());
        try {
            t.merge(new SandboxContext(new HashMap<>(values), limits, t.getName(), escapeHtml), w);
        } catch (SandboxViolation e) {
            throw new TemplateException(e.template() == null ? t.getName() : e.template(), e.line(), e.getMessage());
        } catch (MethodInvocationException e) {
            throw new TemplateException(t.getName(), e.getLineNumber(), firstLine(e.getMessage()));
        } catch (ParseErrorException e) {
            throw new TemplateException(t.getName(), e.getLineNumber(), firstLine(e.getMessage()));
        } catch (MacroOverflowException e) {
            throw new TemplateException(
                    t.getName(), 0, "macro calls nested deeper than the depth of " + limits.maxMacroDepth());
        } catch (RuntimeException | Error e) {
            throw failure(t.getName(), 0, e);
        }
        return w.toString();
    }

    /**
     * Anything else a template can throw, Errors included: a StackOverflowError from deep nesting or
     * recursion, an OutOfMemoryError from a huge allocation (both unwind cleanly: the stack and the failed
     * allocation are gone once caught). Only the JVM's own internal errors propagate.
     */
    private static TemplateException failure(String template, int line, Throwable e) {
        if (e instanceof SandboxViolation v) {
            return new TemplateException(v.template() == null ? template : v.template(), v.line(), v.getMessage());
        }
        if (e instanceof StackOverflowError) {
            return new TemplateException(template, line, "template too deeply nested or recursive (stack overflow)");
        }
        if (e instanceof OutOfMemoryError) {
            return new TemplateException(template, line, "template needs too much memory");
        }
        if (e instanceof VirtualMachineError vm) {
            throw vm;
        }
        return new TemplateException(template, line, e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
