package io.mailflow.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CampaignCli}: {@code validate} reports each campaign, {@code publish} refuses an invalid file, unknown commands exit 2. */
class CampaignCliTest {
    @Test
    void cliValidatesAndRefusesToPublishInvalidFiles(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(
                dir.resolve("good.yaml"),
                "campaigns:\n  - {id: c1, trigger: {type: abandoned-cart}, variants: [{id: A, template: abandoned-cart}]}\n");
        Path bad = Files.writeString(
                dir.resolve("bad.json"), "[{\"id\":\"c2\",\"trigger\":{\"type\":\"nope\"},\"variants\":[]}]");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertThat(CampaignCli.run(new String[] {"validate", good.toString()}, ps, ps))
                .isZero();
        assertThat(CampaignCli.run(
                        new String[] {"publish", bad.toString(), "--bootstrap", "localhost:1", "--topic", "t"}, ps, ps))
                .isEqualTo(1);
        assertThat(CampaignCli.run(new String[] {"frobnicate"}, ps, ps)).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("OK       c1 v1 abandoned-cart (active)")
                .contains("INVALID  c2: unknown trigger type 'nope'")
                .contains("nothing published");
    }
}
