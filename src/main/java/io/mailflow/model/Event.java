package io.mailflow.model;

/**
 * One validated shopper behaviour event (schema version 1, see docs/events.md).
 *
 * <p>Optional fields are {@code null} when absent. {@code timestamp} is event time in epoch
 * milliseconds. Instances are only created by {@code io.mailflow.ingestion.EventValidator}, so every
 * field obeys the documented constraints.
 */
public record Event(
        String eventId,
        String userId,
        String sessionId,
        EventType type,
        String itemId,
        String categoryId,
        Double price,
        Integer quantity,
        String currency,
        String query,
        long timestamp) {

    /** Price times quantity, or 0 when either is missing. */
    public double amount() {
        if (price == null) {
            return 0.0;
        }
        return price * (quantity == null ? 1 : quantity);
    }
}
