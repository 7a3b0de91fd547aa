package io.mailflow.tools.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.catalog.CatalogValidator;
import io.mailflow.model.CatalogItem;
import io.mailflow.testing.SharedData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Rees46CatalogTest {
    @TempDir
    Path dir;

    @Test
    void theLatestLineOfAProductWinsAndTitlesComeFromBrandAndCategory() throws Exception {
        Path csv = dir.resolve("log.csv");
        Files.writeString(
                csv,
                "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n"
                        + "2019-10-01 00:00:00 UTC,view,1,9,electronics.smartphone,samsung,100.00,u,s\n"
                        + "2019-10-01 00:05:00 UTC,view,1,9,,,90.50,u,s\n"
                        + "2019-10-01 00:06:00 UTC,view,2,9,,,5.00,u,s\n");
        Map<String, Rees46Catalog.Product> p = Rees46Catalog.read(csv);
        assertThat(p.get("1").price()).isEqualTo(90.50);
        assertThat(p.get("1").brand()).isEqualTo("samsung"); // a line without a brand does not erase it
        assertThat(Rees46Catalog.title(p.get("1"))).isEqualTo("Samsung smartphone");
        assertThat(Rees46Catalog.title(p.get("2"))).isEqualTo("Item 2");
    }

    @Test
    void theRealLogBecomesAValidCatalogWithRealBrandsAndCategoryPaths() throws Exception {
        Path log = SharedData.require("rees46/2019-Oct-head17k.csv");
        Map<String, Rees46Catalog.Product> products = Rees46Catalog.read(log);
        Path out = dir.resolve("catalog.jsonl");
        Rees46Catalog.write(products, out);
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        Set<String> distinct = new HashSet<>();
        for (String l : Files.readAllLines(log, StandardCharsets.UTF_8).subList(1, 17_435)) {
            distinct.add(l.split(",", -1)[2]);
        }
        assertThat(lines).hasSize(distinct.size());
        CatalogValidator v = new CatalogValidator(Duration.ofHours(1));
        long now = 1_795_953_600_000L; // 2026-11-29: every updatedAt of the 2019 log is in the past
        int branded = 0;
        for (String l : lines) {
            CatalogValidator.Result r = v.validate(null, l.getBytes(StandardCharsets.UTF_8), now);
            assertThat(r.error()).as(l).isNull();
            CatalogItem item = r.update().item();
            if (item.brand() != null) {
                branded++;
            }
        }
        assertThat(branded).isGreaterThan(lines.size() / 2);
        CatalogItem heater = v.validate(
                        null,
                        lines.stream()
                                .filter(l -> l.contains("\"itemId\":\"3900821\""))
                                .findFirst()
                                .orElseThrow()
                                .getBytes(StandardCharsets.UTF_8),
                        now)
                .update()
                .item();
        assertThat(heater.brand()).isEqualTo("aqua");
        assertThat(heater.categoryPath()).containsExactly("appliances", "environment", "water_heater");
        assertThat(heater.title()).isEqualTo("Aqua water heater");
    }
}
