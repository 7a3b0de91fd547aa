package io.mailflow.model;

import java.nio.charset.StandardCharsets;

/**
 * Something Mailflow could not process, with the reason and enough context to replay or fix it.
 *
 * <p>Bounded in one place, here: every dead letter, however it is made, keeps at most
 * {@value #MAX_REASON_CHARS} characters of reason and {@value #MAX_PAYLOAD_CHARS} of payload, cut ones ending in
 * {@value #TRUNCATED}. A dead letter is therefore always far below the Kafka producer's maximum request size
 * (1 MiB), so no input, however large or however many errors it holds, can make the dead-letter sink fail.
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
        String stage, String reason, String payload, String topic, int partition, long offset, long timestamp) {

    /** Longest reason kept (characters). */
    public static final int MAX_REASON_CHARS = 2 * 1024;
    /** Longest payload kept (characters). */
    public static final int MAX_PAYLOAD_CHARS = 16 * 1024;
    /** Longest stage and topic names kept. */
    static final int MAX_NAME_CHARS = 256;
    /** Marks a cut field. */
    public static final String TRUNCATED = "...[truncated]";

    public DeadLetter {
        stage = truncate(stage, MAX_NAME_CHARS);
        reason = truncate(reason, MAX_REASON_CHARS);
        payload = truncate(payload, MAX_PAYLOAD_CHARS);
        topic = truncate(topic, MAX_NAME_CHARS);
    }

    public static DeadLetter of(String stage, String reason, RawRecord raw, String payload) {
        return new DeadLetter(
                stage, reason, payload, raw.topic(), raw.partition(), raw.offset(), System.currentTimeMillis());
    }

    public static DeadLetter of(String stage, String reason, String payload) {
        return new DeadLetter(stage, reason, payload, "", -1, -1, System.currentTimeMillis());
    }

    /** A raw payload as text for a dead letter: at most what is kept is decoded, invalid bytes replaced. */
    public static String payloadText(byte[] value) {
        if (value == null) {
            return "";
        }
        // Decode a little more than is kept (UTF-8 takes up to 4 bytes a character), not a 100 MB record.
        int bytes = (int) Math.min(value.length, 4L * (MAX_PAYLOAD_CHARS + 1));
        String s = new String(value, 0, bytes, StandardCharsets.UTF_8);
        return bytes < value.length && s.length() <= MAX_PAYLOAD_CHARS ? s + TRUNCATED : s;
    }

    /** {@code s} cut to at most {@code max} characters (marker included), never splitting a surrogate pair. */
    public static String truncate(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int end = max - TRUNCATED.length();
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + TRUNCATED;
    }
}
