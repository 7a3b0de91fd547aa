package io.mailflow.tools.backtest;

import io.mailflow.model.RawRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.api.connector.source.lib.util.IteratorSourceEnumerator;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * A bounded source of the lines of a local file, each as a {@link RawRecord} of {@code topic} whose offset is
 * its 0-based line index, exactly as the job would read the same values from Kafka. Lines are read lazily
 * (never held in the job graph) and in file order within each parallel reader; a line longer than
 * {@code maxLineChars} is cut (the parser then rejects it as malformed or too large, with a dead letter).
 */
final class FileLines implements GeneratorFunction<Long, RawRecord> {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final String topic;
    private final int maxLineChars;
    private transient BufferedReader reader;
    private transient long next;

    private FileLines(String path, String topic, int maxLineChars) {
        this.path = path;
        this.topic = topic;
        this.maxLineChars = maxLineChars;
    }

    /** The lines of {@code file} as a bounded source of raw records of {@code topic}. */
    static Source<RawRecord, ?, ?> source(Path file, String topic, int maxLineChars) throws IOException {
        long lines = count(file);
        return new OneSplit(new FileLines(file.toAbsolutePath().toString(), topic, maxLineChars), lines);
    }

    /**
     * The file as one split, read by one reader in file order whatever the parallelism: the end-of-input watermark
     * is then the file's newest event. Split in parallel readers, event time would end at the earliest of their
     * newest events (see {@code EndOfInputWatermarks}), and a small file's last trigger would never fire.
     */
    static final class OneSplit extends DataGeneratorSource<RawRecord> {
        private static final long serialVersionUID = 1L;
        private final long count;

        OneSplit(FileLines lines, long count) {
            super(lines, count, TypeInformation.of(RawRecord.class));
            this.count = count;
        }

        @Override
        public SplitEnumerator<
                        NumberSequenceSource.NumberSequenceSplit, Collection<NumberSequenceSource.NumberSequenceSplit>>
                createEnumerator(SplitEnumeratorContext<NumberSequenceSource.NumberSequenceSplit> context) {
            List<NumberSequenceSource.NumberSequenceSplit> splits =
                    count == 0 ? List.of() : List.of(new NumberSequenceSource.NumberSequenceSplit("0", 0, count - 1));
            return new IteratorSourceEnumerator<>(context, splits);
        }
    }

    /** The number of lines of a file (a last line without a newline counts). */
    static long count(Path file) throws IOException {
        long n = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            while (r.readLine() != null) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void open(SourceReaderContext readerContext) throws Exception {
        reopen();
    }

    @Override
    public RawRecord map(Long index) throws Exception {
        // a reader generates its split's indices in ascending order; after a restore it may start anywhere
        if (index < next) {
            reopen();
        }
        while (next < index) {
            readLine();
        }
        String line = readLine();
        return new RawRecord(topic, 0, index, 0L, null, (line == null ? "" : line).getBytes(StandardCharsets.UTF_8));
    }

    private void reopen() throws IOException {
        close();
        reader = Files.newBufferedReader(Path.of(path), StandardCharsets.UTF_8);
        next = 0;
    }

    /** The next line, cut to the bound without holding more of it in memory. */
    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        boolean any = false;
        while ((c = reader.read()) != -1) {
            any = true;
            if (c == '\n') {
                break;
            }
            if (sb.length() <= maxLineChars) {
                sb.append((char) c);
            }
        }
        next++;
        if (!any) {
            return null;
        }
        int len = sb.length();
        if (len > 0 && sb.charAt(len - 1) == '\r') {
            sb.setLength(len - 1);
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }
}
