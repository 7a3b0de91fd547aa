package io.mailflow.tools.importer;

import io.mailflow.model.Event;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Replays a CSV log in one of the supported public formats as Mailflow events. Rows that cannot be
 * mapped are reported with their line number and reason; the import goes on.
 */
public final class CsvImporter {

    /** What an import did: how many events it produced and which rows it rejected, and why. */
    public record Report(long lines, long events, List<String> rejected) {}

    private final CsvFormat format;

    public CsvImporter(CsvFormat format) {
        this.format = format;
    }

    public Report importFile(Path file, Consumer<Event> sink) throws IOException {
        String tag = fileTag(file);
        long lineNo = 0;
        long events = 0;
        List<String> rejected = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if ((lineNo == 1 && format.hasHeader()) || line.isBlank()) {
                    continue;
                }
                try {
                    Optional<Event> e = format.map(tag, lineNo, line);
                    if (e.isPresent()) {
                        sink.accept(e.get());
                        events++;
                    }
                } catch (IllegalArgumentException e) {
                    rejected.add("line " + lineNo + ": " + e.getMessage());
                }
            }
        }
        return new Report(lineNo, events, rejected);
    }

    /** All events of a file, in file order. */
    public List<Event> readAll(Path file) throws IOException {
        List<Event> out = new ArrayList<>();
        importFile(file, out::add);
        return out;
    }

    /** The file name without extension, so event ids stay stable when the file is replayed again. */
    static String fileTag(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
