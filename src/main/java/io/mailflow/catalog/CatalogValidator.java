package io.mailflow.catalog;

import static io.mailflow.io.InputRules.optionalInt;
import static io.mailflow.io.InputRules.optionalNumber;
import static io.mailflow.io.InputRules.optionalText;
import static io.mailflow.io.InputRules.requiredId;
import static io.mailflow.io.InputRules.requiredText;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.io.InputRules;
import io.mailflow.model.Availability;
import io.mailflow.model.CatalogItem;
import io.mailflow.model.CatalogUpdate;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses and validates one catalog record (docs/events.md, "Catalog"): the one place where the catalog
 * schema's rules are enforced. Flink-free; {@link #validate} never throws: whatever the payload, the
 * result is an update or a reason.
 *
 * <p>Every field is bounded, because an item lives in keyed state for as long as the shop sells it and
 * its title and URLs reach every e-mail that shows it: titles at most {@value #MAX_TITLE} characters and
 * {@value #MAX_LOCALES} locales, URLs http(s) without spaces of at most {@value #MAX_URL} characters, at
 * most {@value #MAX_CATEGORY_DEPTH} category levels. A record keyed by another id than its {@code itemId}
 * is refused (compaction keeps the latest value per key, so it would leave two versions of one item).
 */
public final class CatalogValidator implements Serializable {
    private static final long serialVersionUID = 1L;

    static final int MAX_PAYLOAD_BYTES = 16 * 1024;
    static final int MAX_ID = 128;
    static final int MAX_TITLE = 300;
    static final int MAX_LOCALES = 16;
    static final int MAX_URL = 2048;
    static final int MAX_BRAND = 128;
    static final int MAX_CATEGORY_DEPTH = 8;
    static final int MAX_CATEGORY_NAME = 64;
    /** The same bound as an event's unit price, so that a catalog price can stand in for one. */
    public static final double MAX_PRICE = 10_000_000;

    static final int MAX_STOCK = 1_000_000_000;
    private static final Pattern URL = Pattern.compile("(?i)https?://[!-~]+");
    private static final Pattern LOCALE = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    private final long maxFutureSkewMs;

    /** @param maxFutureSkew how far ahead of the wall clock an {@code updatedAt} may be */
    public CatalogValidator(Duration maxFutureSkew) {
        this.maxFutureSkewMs = maxFutureSkew.toMillis();
    }

    /** Exactly one of {@code update} and {@code error} is set. */
    public record Result(CatalogUpdate update, String error) {
        public boolean valid() {
            return update != null;
        }
    }

    /**
     * @param key the record's key (the item id on the compacted topic), or null
     * @param payload the JSON item; empty for a tombstone, which removes the item named by the key
     */
    public Result validate(byte[] key, byte[] payload, long nowMillis) {
        try {
            String keyText = key == null ? null : new String(key, StandardCharsets.UTF_8);
            if (payload == null || payload.length == 0) {
                if (keyText == null || !InputRules.ID.matcher(keyText).matches() || keyText.length() > MAX_ID) {
                    return new Result(null, "tombstone without a valid item id as key");
                }
                return new Result(CatalogUpdate.removal(keyText), null);
            }
            JsonNode n = InputRules.object(payload, MAX_PAYLOAD_BYTES, "payload");
            CatalogItem item = toItem(n, nowMillis);
            if (keyText != null && !keyText.isEmpty() && !keyText.equals(item.itemId())) {
                return new Result(
                        null,
                        "record key '" + InputRules.abbreviate(keyText) + "' is not its itemId '"
                                + InputRules.abbreviate(item.itemId()) + "'");
            }
            return new Result(CatalogUpdate.upsert(item), null);
        } catch (InputRules.Invalid e) {
            return new Result(null, e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            return new Result(null, "invalid catalog item (" + e.getClass().getSimpleName() + ")");
        }
    }

    private CatalogItem toItem(JsonNode n, long now) {
        String itemId = requiredId(n, "itemId", MAX_ID);
        String title = requiredText(n, "title", MAX_TITLE);
        Map<String, String> titles = titles(n);
        String url = url(n, "url");
        String imageUrl = url(n, "imageUrl");
        Double price = optionalNumber(n, "price", 0, MAX_PRICE);
        Double listPrice = optionalNumber(n, "listPrice", 0, MAX_PRICE);
        String currency = optionalText(n, "currency", 3);
        if (currency != null && !CURRENCY.matcher(currency).matches()) {
            throw new InputRules.Invalid("field 'currency' must be a three-letter ISO 4217 code, got '"
                    + InputRules.abbreviate(currency) + "'");
        }
        if ((price != null || listPrice != null) && currency == null) {
            throw new InputRules.Invalid("missing field 'currency' (required with a price)");
        }
        if (listPrice != null && price == null) {
            throw new InputRules.Invalid("field 'listPrice' needs a 'price'");
        }
        Integer stock = optionalInt(n, "stock", 0, MAX_STOCK);
        Availability availability = availability(n, stock);
        String brand = optionalText(n, "brand", MAX_BRAND);
        List<String> path = categoryPath(n);
        boolean active = InputRules.optionalBoolean(n, "active", true);
        Long updatedAt = InputRules.optionalTime(n, "updatedAt");
        long at = updatedAt == null ? 0L : updatedAt;
        if (at < 0) {
            throw new InputRules.Invalid("field 'updatedAt' must not be negative");
        }
        if (at > now + maxFutureSkewMs) {
            throw new InputRules.Invalid("field 'updatedAt' " + InputRules.describe(at)
                    + " is too far ahead of the clock (more than " + maxFutureSkewMs + " ms)");
        }
        return new CatalogItem(
                itemId,
                title,
                titles,
                url,
                imageUrl,
                price,
                currency,
                listPrice,
                availability,
                stock,
                brand,
                path,
                active,
                at);
    }

    private static Map<String, String> titles(JsonNode n) {
        JsonNode v = n.get("titles");
        if (v == null || v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw new InputRules.Invalid("field 'titles' must be an object of locale to title");
        }
        if (v.size() > MAX_LOCALES) {
            throw new InputRules.Invalid("field 'titles' has " + v.size() + " locales, limit " + MAX_LOCALES);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!LOCALE.matcher(e.getKey()).matches()) {
                throw new InputRules.Invalid(
                        "field 'titles' has a key that is no locale tag: '" + InputRules.abbreviate(e.getKey()) + "'");
            }
            String t = optionalText(v, e.getKey(), MAX_TITLE);
            if (t != null) {
                out.put(e.getKey(), t);
            }
        }
        return out;
    }

    private static String url(JsonNode n, String field) {
        String u = optionalText(n, field, MAX_URL);
        if (u != null && !URL.matcher(u).matches()) {
            throw new InputRules.Invalid("field '" + field + "' must be an http or https URL without spaces");
        }
        return u;
    }

    private static Availability availability(JsonNode n, Integer stock) {
        String raw = optionalText(n, "availability", 32);
        if (raw == null) {
            return stock != null && stock == 0 ? Availability.OUT_OF_STOCK : Availability.IN_STOCK;
        }
        try {
            return Availability.valueOf(
                    raw.toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_'));
        } catch (IllegalArgumentException e) {
            throw new InputRules.Invalid("unknown availability '" + InputRules.abbreviate(raw) + "'");
        }
    }

    /** An array of names, or one string split at {@code >}, {@code /} or {@code .} (REES46's category codes). */
    static List<String> categoryPath(JsonNode n) {
        JsonNode v = n.get("categoryPath");
        if (v == null || v.isNull()) {
            return List.of();
        }
        List<String> parts = new ArrayList<>();
        if (v.isArray()) {
            if (v.size() > MAX_CATEGORY_DEPTH) {
                throw new InputRules.Invalid(
                        "field 'categoryPath' has " + v.size() + " levels, limit " + MAX_CATEGORY_DEPTH);
            }
            for (JsonNode part : v) {
                if (!part.isTextual()) {
                    throw new InputRules.Invalid("field 'categoryPath' must hold strings");
                }
                parts.add(part.textValue());
            }
        } else if (v.isTextual()) {
            String s = v.textValue();
            if (s.length() > MAX_CATEGORY_DEPTH * (MAX_CATEGORY_NAME + 1)) {
                throw new InputRules.Invalid("field 'categoryPath' is too long");
            }
            for (String p : s.split("[>/.]")) {
                parts.add(p.strip());
            }
        } else {
            throw new InputRules.Invalid("field 'categoryPath' must be an array of names or a string");
        }
        List<String> out = new ArrayList<>();
        for (String p : parts) {
            String name = p.strip();
            if (name.isEmpty()) {
                continue;
            }
            if (name.length() > MAX_CATEGORY_NAME) {
                throw new InputRules.Invalid("field 'categoryPath' has a name of " + name.length()
                        + " characters, limit " + MAX_CATEGORY_NAME);
            }
            String bad = InputRules.uncleanCharacter(name);
            if (bad != null) {
                throw new InputRules.Invalid("field 'categoryPath' contains " + bad);
            }
            out.add(name);
        }
        if (out.size() > MAX_CATEGORY_DEPTH) {
            throw new InputRules.Invalid(
                    "field 'categoryPath' has " + out.size() + " levels, limit " + MAX_CATEGORY_DEPTH);
        }
        return List.copyOf(out);
    }
}
