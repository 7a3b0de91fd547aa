package io.mailflow.tools.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailflow.io.Json;
import io.mailflow.testing.HeadlessChromium;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The backtest report renders in headless Chromium (network disabled): every section is there, its charts are
 * inline SVG, it loads no resource, shows no e-mail address, and its full-page screenshot is non-trivial. The
 * screenshot is kept at {@code target/backtest/backtest.png}.
 *
 * <p>By default it renders the aggregation test's decisions. To refresh the README's screenshot from a real backtest
 * (docs/backtest-screenshot.png), run the CLI on the REES46 log (see the README) and then
 * {@code mvn -B -ntp test -Dtest=BacktestBrowserTest -Dbacktest.html=target/backtest/backtest.html
 * -Dbacktest.screenshot=docs/backtest-screenshot.png}.
 */
class BacktestBrowserTest {
    @Test
    void reportRendersInHeadlessChromium() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "backtest-browser"));
        Path html;
        String given = System.getProperty("backtest.html", "");
        if (given.isBlank()) {
            html = dir.resolve("backtest.html").toAbsolutePath();
            BacktestSummary s = BacktestAggregatorTest.summary(BacktestAggregatorTest.decisions());
            Files.writeString(html, BacktestHtml.render(s, Instant.parse("2026-12-02T12:00:00Z")));
        } else {
            html = Path.of(given).toAbsolutePath();
        }
        Path png = dir.resolve("backtest.png");
        Files.deleteIfExists(png);
        try (HeadlessChromium chromium = HeadlessChromium.startOrSkip(dir)) {
            ObjectNode size = Json.mapper().createObjectNode();
            size.put("width", 1100);
            size.put("height", 900);
            size.put("deviceScaleFactor", 1);
            size.put("mobile", false);
            chromium.call("Emulation.setDeviceMetricsOverride", size);
            chromium.navigate(html.toUri().toString());
            HeadlessChromium.PageState page = chromium.await(
                    p -> p.text().contains("Mailflow backtest") && p.text().contains("Sample e-mails"),
                    Duration.ofSeconds(30));
            for (String section : new String[] {
                "Per campaign and variant",
                "E-mails per day and variant",
                "Deferrals by reason",
                "Drops by reason",
                "Dead letters by stage and reason",
                "Recipients' segments and scores",
                "Conversions and lift against the holdout"
            }) {
                assertThat(page.text()).contains(section);
            }
            assertThat(page.text()).doesNotContain("@");
            assertThat(chromium.evaluate("document.querySelectorAll('svg rect').length")
                            .asInt())
                    .as("chart columns")
                    .isGreaterThan(3);
            assertThat(chromium.evaluate("performance.getEntriesByType('resource').length")
                            .asInt())
                    .as("resources loaded: the report is self-contained")
                    .isZero();

            int height =
                    chromium.evaluate("document.documentElement.scrollHeight").asInt();
            size.put("height", height);
            chromium.call("Emulation.setDeviceMetricsOverride", size);
            ObjectNode shot = Json.mapper().createObjectNode();
            shot.put("format", "png");
            byte[] bytes = Base64.getDecoder()
                    .decode(chromium.call("Page.captureScreenshot", shot)
                            .path("data")
                            .asText());
            Files.write(png, bytes);
        }
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(png)));
        assertThat(img.getWidth()).isEqualTo(1100);
        assertThat(img.getHeight()).isGreaterThan(1200);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 7) {
            for (int x = 0; x < img.getWidth(); x += 7) {
                colours.add(img.getRGB(x, y));
            }
        }
        assertThat(colours).as("distinct colours: text, charts and background").hasSizeGreaterThan(20);
        String target = System.getProperty("backtest.screenshot", "");
        if (!target.isBlank()) {
            Files.copy(png, Path.of(target), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
