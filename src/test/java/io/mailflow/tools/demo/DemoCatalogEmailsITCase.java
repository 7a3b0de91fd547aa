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
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the embedded demo for 20 seconds and reads the {@code .eml} files it captured: every e-mail shows
 * product cards from the demo's catalog (an image, a title, a price formatted for the recipient's locale), and
 * no card shows an item the catalog has out of stock (every thirteenth). Which shoppers are mailed depends on
 * the time of day (quiet hours in their zones), so the test asks nothing of a particular locale: Chinese titles
 * are checked by {@code ProductCardsTest} and {@code CatalogPipelineITCase}.
 */
class DemoCatalogEmailsITCase {
    private static final Pattern IMAGE = Pattern.compile("https://images\\.example\\.com/demo/sku-([0-9]+)\\.jpg");

    @TempDir
    Path out;

    @Test
    void theDemosEmailsShowTheCatalog() throws Exception {
        DemoOptions options = DemoOptions.parse(new String[] {"--duration", "20s", "--out", out.toString()});
        assertThat(new DemoMain.DemoRun(options).run()).isZero();
        List<Path> emls;
        try (Stream<Path> files = Files.list(out.resolve("mail"))) {
            emls = files.filter(f -> f.toString().endsWith(".eml")).toList();
        }
        assertThat(emls).isNotEmpty();
        Session session = Session.getInstance(new Properties());
        for (Path eml : emls) {
            MimeMessage m;
            try (InputStream in = Files.newInputStream(eml)) {
                m = new MimeMessage(session, in);
            }
            String body = text(m);
            Matcher images = IMAGE.matcher(body);
            int cards = 0;
            while (images.find()) {
                cards++;
                assertThat(Integer.parseInt(images.group(1)) % 13)
                        .as("an out-of-stock item in %s", eml.getFileName())
                        .isNotZero();
            }
            assertThat(cards).as("product cards in %s", eml.getFileName()).isPositive();
            assertThat(body).containsPattern("(US)?\\$[0-9,]+\\.[0-9]{2}");
        }
    }

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
