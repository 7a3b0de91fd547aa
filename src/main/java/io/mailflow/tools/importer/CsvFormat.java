package io.mailflow.tools.importer;

import io.mailflow.model.Event;
import java.util.Optional;

/**
 * A public e-commerce log format that Mailflow can replay. Implementations map one CSV line to an
 * event, or explain why they cannot.
 */
public interface CsvFormat {

    /** A short name used in event ids and on the command line. */
    String name();

    /** Whether the file starts with a header line to skip. */
    boolean hasHeader();

    /**
     * Maps one data line.
     *
     * @param fileTag identifies the file, so that event ids are unique across files and stable across replays
     * @param lineNumber 1-based line number in the file
     * @return the event, or empty for rows that carry no behaviour Mailflow models
     * @throws IllegalArgumentException with the reason when the row is malformed
     */
    Optional<Event> map(String fileTag, long lineNumber, String line);

    static CsvFormat named(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "taobao" -> new TaobaoFormat();
            case "rees46" -> new Rees46Format();
            case "cdnow" -> new CdnowFormat();
            default ->
                throw new IllegalArgumentException(
                        "Unknown CSV format '" + name + "': expected taobao, rees46 or cdnow.");
        };
    }

    /** Splits a simple CSV line (neither format quotes its fields). */
    static String[] fields(String line, int expected) {
        String[] f = line.split(",", -1);
        if (f.length != expected) {
            throw new IllegalArgumentException("expected " + expected + " fields, found " + f.length);
        }
        return f;
    }
}
