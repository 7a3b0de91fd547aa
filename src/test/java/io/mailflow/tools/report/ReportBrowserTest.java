package io.mailflow.tools.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The report renders in a real browser: headless Chromium opens the file (network disabled, so a
 * missing inline resource would show) and takes a screenshot, which must be non-trivial.
 *
 * <p>Skipped with a message when {@code /usr/bin/chromium} is absent, unless
 * {@code MAILFLOW_REQUIRE_CHROMIUM=true} (set by .ci/run, which also installs it): then it fails.
 * The screenshot is kept at {@code target/report/report.png}.
 */
class ReportBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void reportRendersInHeadlessChromium() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM);
        if (!present && Boolean.parseBoolean(System.getenv("MAILFLOW_REQUIRE_CHROMIUM"))) {
            throw new AssertionError(
                    "MAILFLOW_REQUIRE_CHROMIUM=true but " + CHROMIUM + " is missing (apt-get install chromium)");
        }
        assumeTrue(
                present, CHROMIUM + " not found: skipping the browser check (install the Debian package 'chromium')");

        Path dir = Files.createDirectories(Path.of("target", "report"));
        Path html = dir.resolve("report.html").toAbsolutePath();
        Path png = dir.resolve("report.png").toAbsolutePath();
        Files.deleteIfExists(png);
        ReportMain.write(SampleReportData.create(), html);
        Path profile = Files.createTempDirectory("mailflow-chromium");

        Process p = new ProcessBuilder(List.of(
                        CHROMIUM.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run",
                        "--hide-scrollbars",
                        "--user-data-dir=" + profile,
                        "--screenshot=" + png,
                        "--window-size=1280,2600",
                        html.toUri().toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("chromium.log").toFile())
                .start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(png)
                .as("screenshot written (see target/report/chromium.log)")
                .exists();
        assertThat(Files.size(png)).isGreaterThan(10_000);

        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(1280);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 7) {
            for (int x = 0; x < img.getWidth(); x += 7) {
                colours.add(img.getRGB(x, y));
            }
        }
        assertThat(colours).as("distinct colours: text, charts and background").hasSizeGreaterThan(20);
    }
}
