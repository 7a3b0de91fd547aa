package io.mailflow.tools.importer;

import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The CDNOW purchase log (Fader and Hardie): one line per purchase, {@code customer_id date number_of_cds
 * dollar_value}, separated by white space, with a header; the date is a day ({@code yyyyMMdd}). Each line becomes a
 * purchase event at noon UTC of its day (the log has no time of day; a customer's purchases of one day are one
 * session), of {@code number_of_cds} items of one "cd" product at the mean price, user id {@code cdnow-<id>}. A line
 * with no CDs and no dollars carries no behaviour and is skipped.
 */
public final class CdnowFormat implements CsvFormat {
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
    /** Bounds far above the log's largest values (99 CDs, about $1,300), far below anything that could overflow. */
    private static final int MAX_CDS = 100_000;

    private static final double MAX_DOLLARS = 1e7;

    @Override
    public String name() {
        return "cdnow";
    }

    @Override
    public boolean hasHeader() {
        return true;
    }

    @Override
    public Optional<Event> map(String fileTag, long lineNumber, String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length != 4) {
            throw new IllegalArgumentException("expected 4 fields separated by white space, found " + f.length);
        }
        if (!f[0].matches("[0-9]{1,10}")) {
            throw new IllegalArgumentException("customer_id '" + f[0] + "' is not a number of at most 10 digits");
        }
        long day;
        try {
            day = LocalDate.parse(f[1], DAY)
                    .atTime(12, 0)
                    .toInstant(ZoneOffset.UTC)
                    .toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("date '" + f[1] + "' is not a yyyyMMdd day");
        }
        int cds;
        double dollars;
        try {
            cds = Integer.parseInt(f[2]);
            dollars = Double.parseDouble(f[3]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "number_of_cds '" + f[2] + "' or dollar_value '" + f[3] + "' is not a number");
        }
        if (cds < 0 || cds > MAX_CDS || !(dollars >= 0) || dollars > MAX_DOLLARS) {
            throw new IllegalArgumentException("number_of_cds or dollar_value out of range");
        }
        if (cds == 0 && dollars == 0) {
            return Optional.empty();
        }
        int quantity = Math.max(1, cds);
        return Optional.of(new Event(
                name() + "-" + fileTag + "-" + lineNumber,
                "cdnow-" + Long.parseLong(f[0]),
                null,
                EventType.PURCHASE,
                "cd",
                "music",
                dollars / quantity,
                quantity,
                "USD",
                null,
                day));
    }
}
