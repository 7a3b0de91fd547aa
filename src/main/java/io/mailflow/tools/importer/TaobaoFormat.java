package io.mailflow.tools.importer;

import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import java.util.Optional;

/**
 * Alibaba Tianchi "UserBehavior" logs: {@code user_id,item_id,category_id,behavior_type,timestamp},
 * no header, timestamp in Unix seconds, behaviours pv/cart/fav/buy. There are no prices, sessions or
 * searches: sessions come from Mailflow's inactivity gap.
 */
public final class TaobaoFormat implements CsvFormat {

    @Override
    public String name() {
        return "taobao";
    }

    @Override
    public boolean hasHeader() {
        return false;
    }

    @Override
    public Optional<Event> map(String fileTag, long lineNumber, String line) {
        String[] f = CsvFormat.fields(line, 5);
        EventType type = switch (f[3]) {
            case "pv" -> EventType.VIEW;
            case "cart" -> EventType.ADD_TO_CART;
            case "fav" -> EventType.FAVORITE;
            case "buy" -> EventType.PURCHASE;
            default -> throw new IllegalArgumentException("unknown behavior_type '" + f[3] + "'");
        };
        long seconds;
        try {
            seconds = Long.parseLong(f[4].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("timestamp '" + f[4] + "' is not a number");
        }
        Integer quantity = type == EventType.ADD_TO_CART || type == EventType.PURCHASE ? 1 : null;
        return Optional.of(new Event(
                name() + "-" + fileTag + "-" + lineNumber,
                f[0].trim(),
                null,
                type,
                f[1].trim(),
                f[2].trim(),
                null,
                quantity,
                null,
                null,
                seconds * 1000L));
    }
}
