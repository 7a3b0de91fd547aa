package io.mailflow.tools.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailflow.io.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns the lines of a catalog feed into catalog JSON records (docs/events.md, "Catalog"), which
 * {@link io.mailflow.catalog.CatalogValidator} then checks exactly as the job will.
 *
 * <p>JSONL: one JSON item per line, passed on as it is. CSV: a header line names the columns, which are the
 * JSON fields ({@code itemId,title,title.zh-CN,url,imageUrl,price,currency,listPrice,availability,stock,brand,
 * categoryPath,active,updatedAt}; {@code title.<locale>} fills {@code titles}); fields may be quoted with
 * {@code "} (a doubled {@code ""} inside is a quote), a record is one line; an empty field is absent;
 * {@code categoryPath} is split at {@code >}, {@code /} or {@code .}.
 */
final class CatalogFeed {
    private CatalogFeed() {}

    private static final Set<String> NUMBERS = Set.of("price", "listPrice");
    private static final Set<String> INTEGERS = Set.of("stock", "updatedAt");

    /** The JSON record of one CSV line, or an exception with the reason. */
    static byte[] csvRecord(List<String> header, String line) {
        List<String> fields = splitCsv(line);
        if (fields.size() != header.size()) {
            throw new IllegalArgumentException(
                    "expected " + header.size() + " fields (as the header), found " + fields.size());
        }
        ObjectNode o = Json.mapper().createObjectNode();
        for (int i = 0; i < header.size(); i++) {
            String col = header.get(i);
            String v = fields.get(i);
            if (v.isEmpty()) {
                continue;
            }
            if (col.startsWith("title.")) {
                ObjectNode titles = o.has("titles") ? (ObjectNode) o.get("titles") : o.putObject("titles");
                titles.put(col.substring("title.".length()), v);
            } else if (NUMBERS.contains(col)) {
                o.put(col, number(col, v));
            } else if (INTEGERS.contains(col)) {
                o.put(col, integer(col, v));
            } else if (col.equals("active")) {
                String b = v.toLowerCase(Locale.ROOT);
                if (!b.equals("true") && !b.equals("false")) {
                    throw new IllegalArgumentException("column 'active' must be true or false, got '" + v + "'");
                }
                o.put(col, Boolean.parseBoolean(b));
            } else if (col.equals("categoryPath")) {
                ArrayNode path = o.putArray(col);
                for (String part : v.split("[>/.]")) {
                    if (!part.isBlank()) {
                        path.add(part.strip());
                    }
                }
            } else {
                o.put(col, v);
            }
        }
        return Json.toBytes(o);
    }

    static byte[] jsonlRecord(String line) {
        return line.getBytes(StandardCharsets.UTF_8);
    }

    private static double number(String col, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("column '" + col + "' is not a number: '" + v + "'");
        }
    }

    private static long integer(String col, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("column '" + col + "' is not an integer: '" + v + "'");
        }
    }

    /** Splits one CSV record: fields separated by commas, optionally quoted, {@code ""} a quote inside quotes. */
    static List<String> splitCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.length() == 0) {
                quoted = true;
            } else if (c == ',') {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quoted field");
        }
        out.add(field.toString());
        return out;
    }
}
