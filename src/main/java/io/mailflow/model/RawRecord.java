package io.mailflow.model;

/**
 * A record as read from a source before parsing, with where it came from so that a dead letter can
 * point back at it. Bounded test sources use {@code topic = "test"} and a running offset.
 */
public record RawRecord(String topic, int partition, long offset, long sourceTimestamp, byte[] value) {

    public static RawRecord of(String topic, long offset, String value) {
        return new RawRecord(
                topic,
                0,
                offset,
                System.currentTimeMillis(),
                value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
