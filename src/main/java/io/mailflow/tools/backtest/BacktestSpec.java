package io.mailflow.tools.backtest;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What to backtest and from which history.
 *
 * @param campaignFiles campaign definition files (YAML or JSON, as {@code campaigns.file}); each is forced to dry-run
 * @param input where the history comes from
 * @param events for the file inputs: the file (raw event records one per line, or a REES46/Taobao CSV log)
 * @param profiles a JSONL file of user profiles ({@code docs/events.md}), or null: then every user seen in the file
 *     gets a placeholder profile (consent, locale {@code en}, time zone {@code zone}) whose address is never used
 * @param zone the time zone of placeholder profiles (quiet hours are decided in it)
 * @param kafka for {@link Input#KAFKA}: the broker and topics, and the window of record timestamps
 * @param out the report's folder
 * @param overrides further job options ({@code key -> value}), e.g. {@code guardrails.max-per-user}
 */
public record BacktestSpec(
        List<Path> campaignFiles,
        Input input,
        Path events,
        Path profiles,
        String zone,
        KafkaWindow kafka,
        Path out,
        Map<String, String> overrides) {

    /** The history's form. */
    public enum Input {
        /** A Kafka events topic between two record timestamps. */
        KAFKA,
        /** A file of raw event records, one JSON value per line, exactly as on the events topic. */
        JSONL,
        /** The REES46 Open CDP CSV log, through the importer. */
        REES46,
        /** The Taobao UserBehavior CSV log, through the importer. */
        TAOBAO
    }

    /**
     * @param bootstrap the brokers
     * @param eventsTopic the events topic, read from the first record at or after {@code from} to the last before
     *     {@code to} (Kafka record timestamps)
     * @param profilesTopic the profiles topic, read to its current end
     * @param suppressionsTopic the suppressions topic, read to its current end
     */
    public record KafkaWindow(
            String bootstrap,
            String eventsTopic,
            String profilesTopic,
            String suppressionsTopic,
            Instant from,
            Instant to) {}
}
