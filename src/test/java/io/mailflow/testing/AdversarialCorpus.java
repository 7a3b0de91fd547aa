package io.mailflow.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The committed corpus of hostile records under {@code src/test/resources/adversarial/}, one JSONL file per
 * input (events, engagement, profiles, suppressions). Each line is one record's payload exactly as a
 * producer could write it: oversized, deeply nested, wrong types, extreme numbers, impossible times, unicode
 * tricks, header and HTML injection. The few lines that must be accepted (with bounded values) say so with
 * an unknown field {@code "_expect":"accept"}, which the validators ignore.
 *
 * <p>Timestamps in the corpus are fixed around {@link #T} ({@code 2026-03-02T12:00:00Z}).
 */
public final class AdversarialCorpus {
    /** The instant the corpus is written around. */
    public static final long T = 1772452800000L;
    /** The "now" unit tests validate the corpus at: one hour after {@link #T}. */
    public static final long NOW = T + 3_600_000L;

    /** One corpus record. */
    public record Line(int number, String text) {
        public byte[] bytes() {
            return text.getBytes(StandardCharsets.UTF_8);
        }

        public boolean mustBeAccepted() {
            return text.contains("\"_expect\": \"accept\"") || text.contains("\"_expect\":\"accept\"");
        }

        @Override
        public String toString() {
            return "line " + number + ": " + (text.length() <= 100 ? text : text.substring(0, 97) + "...");
        }
    }

    private AdversarialCorpus() {}

    /** The lines of {@code events}, {@code engagement}, {@code profiles} or {@code suppressions}. */
    public static List<Line> load(String input) {
        String path = "/adversarial/" + input + ".jsonl";
        try (InputStream in = AdversarialCorpus.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no corpus " + path);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<Line> lines = new ArrayList<>();
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (!line.isEmpty()) {
                    lines.add(new Line(n, line));
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
