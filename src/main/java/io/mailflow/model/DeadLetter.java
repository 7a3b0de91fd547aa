package io.mailflow.model;

/**
 * Something Mailflow could not process, with the reason and enough context to replay or fix it.
 *
 * @param stage the pipeline stage that rejected it (ingest, profile, render, deliver, ...)
 * @param reason a human-readable explanation naming the offending field or template line
 * @param payload the raw input (UTF-8, invalid bytes replaced) or the request id
 * @param topic source topic, or empty when it did not come from a topic
 * @param partition source partition, or -1
 * @param offset source offset, or -1
 * @param timestamp processing time at which it was rejected, epoch millis
 */
public record DeadLetter(
        String stage,
        String reason,
        String payload,
        String topic,
        int partition,
        long offset,
        long timestamp) {

    public static DeadLetter of(String stage, String reason, RawRecord raw, String payload) {
        return new DeadLetter(
                stage,
                reason,
                payload,
                raw.topic(),
                raw.partition(),
                raw.offset(),
                System.currentTimeMillis());
    }

    public static DeadLetter of(String stage, String reason, String payload) {
        return new DeadLetter(stage, reason, payload, "", -1, -1, System.currentTimeMillis());
    }
}
