package io.mailflow.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.config.MailflowConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The preview against a real user of the committed savepoint (written by a cluster run of release 0.1.0). */
class UserPreviewTest {
    private static final String SAVEPOINT =
            Path.of("src/test/resources/savepoints/0.1.0").toAbsolutePath().toString();
    /** The savepoint's t0 plus a day: a fixed "now". */
    private static final long AT = 1795914000000L + 86_400_000L;

    @Test
    void aUserWithAPendingCartGetsTheCartCampaignRenderedWithItsItemsAndNoAddress(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        UserPreview.Outcome o = UserPreview.preview(
                SAVEPOINT,
                "b1",
                "abandoned-cart",
                "",
                "",
                MailflowConfig.defaults(),
                AT,
                dir,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(o).isNotNull();
        assertThat(o.request().userId()).isEqualTo("b1");
        assertThat(o.request().items()).as("b1's pending cart").isNotEmpty();
        assertThat(o.subject()).isNotBlank();
        assertThat(o.reasons()).as("consented, in the audience, campaign live").isEmpty();
        assertThat(printed)
                .contains("subject: " + o.subject())
                .contains("verdict: would send")
                .contains("e-mail b***@")
                .doesNotContainPattern("[A-Za-z0-9._%+-]{2,}@");
        for (String f : o.files()) {
            assertThat(Files.readString(Path.of(f))).doesNotContain("b1@");
        }
    }

    @Test
    void anUnknownUserIsPreviewedWithTheReasonsItWouldNotBeSentAndAnUnknownCampaignFails(@TempDir Path dir)
            throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        UserPreview.Outcome o = UserPreview.preview(
                SAVEPOINT, "nobody", "abandoned-cart", "", "", MailflowConfig.defaults(), AT, dir, out);
        assertThat(o.reasons()).containsExactly("no profile");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("verdict: would not send: ");
        assertThat(UserPreview.preview(
                        SAVEPOINT, "b1", "no-such-campaign", "", "", MailflowConfig.defaults(), AT, dir, out))
                .isNull();
        assertThat(UserPreview.main(new String[] {"--savepoint", SAVEPOINT}, out, out))
                .as("--user and --campaign are required")
                .isEqualTo(2);
    }

    @Test
    void addressesAreMaskedAndScrubbed() {
        assertThat(UserPreview.mask("ann.lee@shop.test")).isEqualTo("a***@shop.test");
        assertThat(UserPreview.scrub("to ann.lee@shop.test!", "ann.lee@shop.test"))
                .isEqualTo("to a***@shop.test!");
    }
}
