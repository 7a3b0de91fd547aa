package io.mailflow.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.io.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogCliTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private int feed(Path file, boolean csv, List<String> keys) {
        return CatalogCli.feed(
                file,
                csv,
                (k, v) -> keys.add(new String(k, StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void aCsvFeedWithQuotesLocalesAndCategoryPathsLoadsItsValidLines() throws Exception {
        Path csv = dir.resolve("feed.csv");
        Files.writeString(
                csv,
                "itemId,title,title.zh-CN,url,imageUrl,price,currency,listPrice,stock,brand,categoryPath,active\n"
                        + "sku-1,\"Headphones, wireless\",无线耳机,https://s.example.com/1,https://i.example.com/1.jpg,"
                        + "1299,CNY,1499,5,Acme,electronics.audio.headphone,true\n"
                        + "sku 2,Bad id,,,,,,,,,,\n"
                        + "sku-3,\"Say \"\"hi\"\"\",,,,7.03,USD,,0,,,false\n",
                StandardCharsets.UTF_8);
        List<String> keys = new ArrayList<>();
        assertThat(feed(csv, true, keys)).isEqualTo(1);
        assertThat(keys).containsExactly("sku-1", "sku-3");
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("INVALID  line 3: field 'itemId'")
                .contains("2 valid items, 1 invalid lines");
    }

    @Test
    void csvRecordsBecomeCatalogJson() throws Exception {
        byte[] json = CatalogFeed.csvRecord(
                List.of("itemId", "title", "title.zh-CN", "price", "currency", "categoryPath"),
                "sku-1,\"A, B\",甲,7.5,USD,a > b > c");
        var n = Json.mapper().readTree(json);
        assertThat(n.get("title").asText()).isEqualTo("A, B");
        assertThat(n.get("titles").get("zh-CN").asText()).isEqualTo("甲");
        assertThat(n.get("price").asDouble()).isEqualTo(7.5);
        assertThat(n.get("categoryPath")).hasSize(3);
    }

    @Test
    void aJsonlFeedIsValidatedLineByLine() throws Exception {
        Path jsonl = dir.resolve("feed.jsonl");
        Files.writeString(
                jsonl, "{\"itemId\":\"a\",\"title\":\"A\"}\n\n{\"itemId\":\"b\"}\nnot json\n", StandardCharsets.UTF_8);
        List<String> keys = new ArrayList<>();
        assertThat(feed(jsonl, false, keys)).isEqualTo(1);
        assertThat(keys).containsExactly("a");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("1 valid items, 2 invalid lines");
    }

    @Test
    void usageErrorsExitWithTwo() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(CatalogCli.run(new String[] {"load"}, sink, sink)).isEqualTo(2);
        assertThat(CatalogCli.run(new String[] {"load", "x.csv"}, sink, sink)).isEqualTo(2);
    }
}
