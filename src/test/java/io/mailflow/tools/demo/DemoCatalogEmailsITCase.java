package io.mailflow.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's e-mails are real product e-mails (issue 14): a live demo run reads its captured {@code .eml} files
 * back and finds product titles, images, locale-formatted prices, and back-in-stock and price-drop e-mails that
 * the catalog's changes during the run caused.
 *
 * <p>Independent of the time of day: the run starts at a fixed simulated instant ({@code --start}), 09:00 to
 * 11:00 UTC, when the recipients in Europe (10:00 to 12:00) and Asia/Shanghai (17:00 to 19:00) are outside the
 * default quiet hours (21:00 to 08:00 local) in every run; only the pace follows the wall clock.
 */
class DemoCatalogEmailsITCase {
    /** A price as the templates print it: "$59.00" (en) or "US$59.00" (zh-CN), never "59.00 USD". */
    private static final Pattern PRICE = Pattern.compile("(US)?\\$\\d{1,3}(,\\d{3})*\\.\\d{2}");

    @TempDir
    Path out;

    @Test
    void capturedEmailsShowProductsAndIncludeBackInStockAndPriceDrop() throws Exception {
        DemoOptions options = DemoOptions.parse(new String[] {
            "--duration", "30s",
            "--users", "3000",
            "--rate", "400",
            "--seed", "7",
            "--start", "2026-03-02T09:00:00Z",
            "--out", out.toString()
        });
        assertThat(new DemoMain.DemoRun(options).run())
                .as("the demo sent e-mails")
                .isZero();

        List<Mail> mails = new ArrayList<>();
        try (Stream<Path> files = Files.list(out.resolve("mail"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".eml")).toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), in);
                    mails.add(new Mail(m.getSubject(), text(m)));
                }
            }
        }
        assertThat(mails).as("captured .eml files").hasSizeGreaterThan(20);

        List<Mail> backInStock = mails.stream()
                .filter(m ->
                        m.subject().endsWith(" is back in stock") || m.subject().endsWith("已到货"))
                .toList();
        List<Mail> priceDrop = mails.stream()
                .filter(m -> m.subject().contains(" is now ") || m.subject().contains("降价了"))
                .toList();
        assertThat(backInStock).as("back-in-stock e-mails").isNotEmpty();
        assertThat(priceDrop).as("price-drop e-mails").isNotEmpty();

        for (Mail m : backInStock) {
            assertThat(m.body())
                    .as(m.subject())
                    .containsPattern("https://images\\.example\\.com/demo/sku-\\d+\\.jpg")
                    .containsPattern(" No\\. \\d+|\\d+号")
                    .containsPattern(PRICE);
        }
        for (Mail m : priceDrop) {
            // was and now, both formatted for the recipient's locale, in the HTML and the plain-text part
            assertThat(m.body())
                    .as(m.subject())
                    .containsPattern("https://images\\.example\\.com/demo/sku-\\d+\\.jpg")
                    .containsPattern("(Was|原价) <span style=\"text-decoration: line-through;\">" + PRICE.pattern())
                    .containsPattern("(was |原价 )" + PRICE.pattern() + "(, now |，现价 )" + PRICE.pattern());
        }
        // every e-mail of the run names products by title with a formatted price, not item ids with "%.2f USD"
        assertThat(mails).allSatisfy(m -> assertThat(m.body()).doesNotContainPattern("\\d\\.\\d{2} USD"));
        assertThat(mails)
                .anySatisfy(m -> assertThat(m.body()).contains("lang=\"zh-CN\"").containsPattern(PRICE))
                .anySatisfy(m -> assertThat(m.body()).contains("lang=\"en\"").containsPattern(PRICE));
    }

    record Mail(String subject, String body) {}

    /** Every text part of a message, decoded (HTML and plain text). */
    private static String text(Part part) throws Exception {
        Object content = part.getContent();
        if (content instanceof Multipart mp) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart b = mp.getBodyPart(i);
                sb.append(text(b)).append('\n');
            }
            return sb.toString();
        }
        return content instanceof String s ? s : "";
    }
}
