package io.mailflow.model;

import java.nio.charset.StandardCharsets;

/**
 * A record as read from a source before parsing, with where it came from so that a dead letter can
 * point back at it. {@code key} is null when the record has none; {@code value} is empty for a Kafka
 * tombstone. Bounded test sources use their own topic name and a running offset.
 */
public record RawRecord(String topic, int partition, long offset, long sourceTimestamp, byte[] key, byte[] value) {

    public static RawRecord of(String topic, long offset, String value) {
        return new RawRecord(
                topic, 0, offset, System.currentTimeMillis(), null, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The key as UTF-8 text, or null. */
    public String keyText() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    public boolean tombstone() {
        return value.length == 0;
    }
}
