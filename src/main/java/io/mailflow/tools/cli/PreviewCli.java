package io.mailflow.tools.cli;

import io.mailflow.delivery.SmtpMailClient;
import io.mailflow.delivery.SmtpSettings;
import io.mailflow.email.EmailComposer;
import io.mailflow.email.TemplateException;
import io.mailflow.model.AddressedRequest;
import io.mailflow.model.Availability;
import io.mailflow.model.CatalogItem;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.LineItem;
import io.mailflow.model.Recipient;
import io.mailflow.model.Recommendation;
import io.mailflow.model.RenderedEmail;
import jakarta.mail.internet.MimeMessage;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Renders a template for a sample request to {@code .html}, {@code .txt} and {@code .eml} files, so a
 * template author sees exactly what a shopper would get, headers included, without running the job.
 * Template errors are printed with the template name, line and reason and exit with status 1.
 *
 * <pre>java -cp ... io.mailflow.tools.cli.PreviewCli --template abandoned-cart --locale zh-CN --name 陈小明 --out preview/</pre>
 *
 * <p>With {@code --savepoint}, it previews a campaign against a real user of a savepoint instead (see
 * {@link UserPreview}):
 *
 * <pre>java -cp ... io.mailflow.tools.cli.PreviewCli --savepoint s3://.../savepoint-1 --user u-42 --campaign win-back</pre>
 */
public final class PreviewCli {
    private PreviewCli() {}

    public static void main(String[] args) throws Exception {
        if (java.util.Arrays.asList(args).contains("--savepoint")) {
            System.exit(UserPreview.main(args, System.out, System.err));
        }
        Map<String, String> o = new java.util.HashMap<>(Map.of(
                "--template",
                "abandoned-cart",
                "--locale",
                "en",
                "--name",
                "Ann",
                "--out",
                "preview",
                "--template-dir",
                ""));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!o.containsKey(args[i])) {
                System.err.println("Unknown option " + args[i] + ". Options: " + o.keySet());
                System.exit(2);
            }
            o.put(args[i], args[i + 1]);
        }
        try {
            List<Path> written = preview(
                    o.get("--template"),
                    o.get("--locale"),
                    o.get("--name"),
                    o.get("--template-dir"),
                    Path.of(o.get("--out")));
            written.forEach(p -> System.out.println("wrote " + p));
        } catch (TemplateException e) {
            System.err.println("Template error: " + e.getMessage());
            System.exit(1);
        }
    }

    private static CatalogItem sampleProduct(String id, String en, String zh, double price, Double listPrice) {
        return new CatalogItem(
                id,
                en,
                Map.of("zh-CN", zh),
                "https://shop.example.com/p/" + id,
                "https://shop.example.com/img/" + id + ".jpg",
                price,
                "USD",
                listPrice,
                Availability.IN_STOCK,
                10,
                "Mailflow Outdoor",
                List.of("sports", "running"),
                true,
                0L);
    }

    /** The composer of previews: the preview's own link secret and shop, the given templates. */
    static EmailComposer composer(String templateDir) {
        return new EmailComposer(new EmailComposer.Settings(
                templateDir,
                "shop@mailflow.local",
                "https://shop.example.com/mf",
                "",
                true,
                Duration.ofDays(60),
                "preview-only-secret-not-for-production",
                Map.of("shopUrl", "https://shop.example.com", "shopName", "Mailflow Shop")));
    }

    /** Renders the sample (with catalog data) and returns the files written. */
    public static List<Path> preview(String templateId, String locale, String name, String templateDir, Path out)
            throws Exception {
        EmailRequest request = new EmailRequest(
                "preview-request",
                templateId,
                "PREVIEW",
                templateId,
                "preview-user",
                System.currentTimeMillis(),
                "preview-user@0",
                List.of(
                        new LineItem("sku-1001", "cat-3", 59.90, 1, 0L),
                        new LineItem("sku-2002", "cat-7", 12.50, 2, 0L)),
                "USD");
        // the sample as the catalog would deliver it: titles per locale, images, a discount, a recommendation
        request = request.withCatalog(
                request.items(),
                List.of(new Recommendation("sku-3003", 1.0, "co-occurrence")),
                List.of(
                        sampleProduct("sku-1001", "Trail running shoes", "越野跑鞋", 59.90, 79.90),
                        sampleProduct("sku-2002", "Merino socks", "美利奴羊毛袜", 12.50, null),
                        sampleProduct("sku-3003", "Running cap", "跑步帽", 19.00, null)));
        AddressedRequest a = new AddressedRequest(request, new Recipient("preview@example.com", name, locale, "UTC"));
        RenderedEmail e = composer(templateDir).compose(a, System.currentTimeMillis() / 1000);
        Files.createDirectories(out);
        String base = templateId + "-" + locale;
        Path html = Files.writeString(out.resolve(base + ".html"), e.html());
        Path text = Files.writeString(out.resolve(base + ".txt"), e.text());
        SmtpSettings smtp = new SmtpSettings(
                "localhost",
                25,
                io.mailflow.delivery.SmtpSecurity.NONE,
                "",
                "",
                1000,
                "shop@mailflow.local",
                "Mailflow Shop");
        MimeMessage mime = new SmtpMailClient(smtp).build(e);
        Path eml = out.resolve(base + ".eml");
        try (OutputStream os = Files.newOutputStream(eml)) {
            mime.writeTo(os);
        }
        return List.of(html, text, eml);
    }
}
