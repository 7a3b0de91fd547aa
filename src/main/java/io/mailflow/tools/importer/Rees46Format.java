package io.mailflow.tools.importer;

import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * REES46 Open CDP logs: {@code event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session}
 * with a header, times like {@code 2019-10-01 00:00:00 UTC}, prices in USD, event types
 * view/cart/remove_from_cart/purchase. The dataset's own session id is kept as {@code sessionId}.
 */
public final class Rees46Format implements CsvFormat {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Override
    public String name() {
        return "rees46";
    }

    @Override
    public boolean hasHeader() {
        return true;
    }

    @Override
    public Optional<Event> map(String fileTag, long lineNumber, String line) {
        String[] f = CsvFormat.fields(line, 9);
        EventType type = switch (f[1]) {
            case "view" -> EventType.VIEW;
            case "cart" -> EventType.ADD_TO_CART;
            case "remove_from_cart" -> EventType.REMOVE_FROM_CART;
            case "purchase" -> EventType.PURCHASE;
            default -> throw new IllegalArgumentException("unknown event_type '" + f[1] + "'");
        };
        String time = f[0].endsWith(" UTC") ? f[0].substring(0, f[0].length() - 4) : f[0];
        long ts;
        try {
            ts = LocalDateTime.parse(time, TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("event_time '" + f[0] + "' is not 'yyyy-MM-dd HH:mm:ss UTC'");
        }
        Double price = null;
        if (!f[6].isBlank()) {
            try {
                price = Double.parseDouble(f[6]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("price '" + f[6] + "' is not a number");
            }
        }
        boolean priced =
                type == EventType.ADD_TO_CART || type == EventType.PURCHASE || type == EventType.REMOVE_FROM_CART;
        return Optional.of(new Event(
                name() + "-" + fileTag + "-" + lineNumber,
                f[7].trim(),
                f[8].isBlank() ? null : f[8].trim(),
                type,
                f[2].trim(),
                f[3].trim(),
                price,
                priced ? 1 : null,
                price == null ? null : "USD",
                null,
                ts));
    }
}
