package io.mailflow.tools.importer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailflow.io.Json;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Derives a product catalog from a REES46 behaviour log: one item per {@code product_id} with its brand, its
 * category code as the category path and its latest price (USD) and time, as catalog JSONL
 * (docs/events.md, "Catalog") for {@code CatalogCli load}. The log has no titles or images: the title is made
 * from the brand and the last category name ("Samsung smartphone"), falling back to "Item &lt;id&gt;", and the
 * URLs are placeholders under example.com.
 *
 * <pre>
 * mvn -q compile exec:exec -Drun.main=io.mailflow.tools.importer.Rees46Catalog \
 *     -Ddemo.args="../shared/data/rees46/2019-Oct-head17k.csv target/rees46-catalog.jsonl"
 * </pre>
 */
public final class Rees46Catalog {
    private Rees46Catalog() {}

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** What the log tells about one product, the latest line winning. */
    public record Product(String id, String brand, String categoryCode, Double price, long lastSeen) {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: Rees46Catalog REES46_CSV OUT_JSONL");
            System.exit(2);
        }
        Map<String, Product> products = read(Path.of(args[0]));
        write(products, Path.of(args[1]));
        System.out.printf("%d items written to %s%n", products.size(), args[1]);
    }

    public static Map<String, Product> read(Path csv) throws IOException {
        Map<String, Product> out = new LinkedHashMap<>();
        try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String line = in.readLine(); // header
            while ((line = in.readLine()) != null) {
                String[] f = line.split(",", -1);
                if (f.length != 9 || f[2].isBlank()) {
                    continue;
                }
                String time = f[0].endsWith(" UTC") ? f[0].substring(0, f[0].length() - 4) : f[0];
                long at;
                Double price;
                try {
                    at = LocalDateTime.parse(time, TIME)
                            .toInstant(ZoneOffset.UTC)
                            .toEpochMilli();
                    price = f[6].isBlank() ? null : Double.parseDouble(f[6]);
                } catch (RuntimeException e) {
                    continue; // a broken line says nothing reliable about the product
                }
                Product old = out.get(f[2]);
                if (old == null || at >= old.lastSeen()) {
                    out.put(
                            f[2],
                            new Product(
                                    f[2],
                                    f[5].isBlank() ? (old == null ? null : old.brand()) : f[5],
                                    f[4].isBlank() ? (old == null ? null : old.categoryCode()) : f[4],
                                    price == null ? (old == null ? null : old.price()) : price,
                                    at));
                }
            }
        }
        return out;
    }

    public static void write(Map<String, Product> products, Path jsonl) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8)) {
            for (Product p : products.values()) {
                w.write(Json.toText(item(p)));
                w.newLine();
            }
        }
    }

    public static ObjectNode item(Product p) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("itemId", p.id());
        o.put("title", title(p));
        o.put("url", "https://shop.example.com/p/" + p.id());
        o.put("imageUrl", "https://images.example.com/rees46/" + p.id() + ".jpg");
        if (p.price() != null) {
            o.put("price", p.price());
            o.put("currency", "USD");
        }
        if (p.brand() != null) {
            o.put("brand", p.brand());
        }
        if (p.categoryCode() != null) {
            ArrayNode path = o.putArray("categoryPath");
            for (String part : p.categoryCode().split("\\.")) {
                path.add(part);
            }
        }
        o.put("availability", "IN_STOCK");
        o.put("active", true);
        o.put("updatedAt", p.lastSeen());
        return o;
    }

    static String title(Product p) {
        String kind = null;
        if (p.categoryCode() != null) {
            List<String> parts = List.of(p.categoryCode().split("\\."));
            kind = parts.get(parts.size() - 1).replace('_', ' ');
        }
        if (p.brand() == null) {
            return kind == null ? "Item " + p.id() : capitalize(kind) + " " + p.id();
        }
        String brand = capitalize(p.brand());
        return kind == null ? brand + " " + p.id() : brand + " " + kind;
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }
}
