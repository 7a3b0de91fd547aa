package io.mailflow.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    @TempDir
    Path dir;

    private static Spool.Entry entry(int i) {
        return new Spool.Entry(
                "topic-" + (i % 2),
                ("k" + i).getBytes(StandardCharsets.UTF_8),
                ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> values(List<Spool.Spooled> s) {
        return s.stream()
                .map(x -> new String(x.entry().value(), StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void keepsRecordsInOrderUntilTheyAreCommitted() throws Exception {
        try (Spool s = Spool.open(dir, 1 << 20)) {
            for (int i = 0; i < 5; i++) {
                assertThat(s.append(entry(i))).isTrue();
            }
            List<Spool.Spooled> first = s.peek(3);
            assertThat(values(first)).containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}");
            assertThat(first.get(1).entry().topic()).isEqualTo("topic-1");
            assertThat(s.peek(3)).hasSize(3); // peek changes nothing
            s.commit(first.subList(0, 2));
            assertThat(s.records()).isEqualTo(3);
            assertThat(values(s.peek(10))).containsExactly("{\"n\":2}", "{\"n\":3}", "{\"n\":4}");
            s.commit(s.peek(10));
            assertThat(s.isEmpty()).isTrue();
            assertThat(s.bytes()).isZero();
            assertThat(s.peek(10)).isEmpty();
            s.append(entry(9));
            assertThat(values(s.peek(10))).containsExactly("{\"n\":9}");
        }
    }

    @Test
    void aReopenedSpoolGoesOnWhereItStopped() throws Exception {
        try (Spool s = Spool.open(dir, 1 << 20)) {
            for (int i = 0; i < 4; i++) {
                s.append(entry(i));
            }
            s.commit(s.peek(1));
        }
        try (Spool s = Spool.open(dir, 1 << 20)) {
            assertThat(s.records()).isEqualTo(3);
            assertThat(values(s.peek(10))).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
        }
    }

    @Test
    void isBoundedAndRefusesWhatDoesNotFit() throws Exception {
        try (Spool s = Spool.open(dir, 1 << 20)) {
            byte[] big = new byte[100_000];
            int kept = 0;
            while (s.append(new Spool.Entry("t", new byte[1], big))) {
                kept++;
            }
            assertThat(kept).isEqualTo(10);
            assertThat(s.bytes()).isLessThanOrEqualTo(1 << 20);
            // delivering makes room again, across segments
            s.commit(s.peek(4));
            assertThat(s.append(new Spool.Entry("t", new byte[1], big))).isTrue();
            assertThat(s.records()).isEqualTo(7);
            int read = 0;
            while (!s.isEmpty()) {
                List<Spool.Spooled> b = s.peek(3);
                read += b.size();
                s.commit(b);
            }
            assertThat(read).isEqualTo(7);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".log"))).hasSize(1);
        }
    }

    @Test
    void aTornRecordAtTheEndIsCutOffAtStart() throws Exception {
        try (Spool s = Spool.open(dir, 1 << 20)) {
            s.append(entry(0));
            s.append(entry(1));
        }
        Path segment;
        try (Stream<Path> files = Files.list(dir)) {
            segment =
                    files.filter(p -> p.toString().endsWith(".log")).findFirst().orElseThrow();
        }
        long size = Files.size(segment);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(size - 3); // a crash in the middle of the second write
        }
        try (Spool s = Spool.open(dir, 1 << 20)) {
            assertThat(values(s.peek(10))).containsExactly("{\"n\":0}");
            s.append(entry(2));
            assertThat(values(s.peek(10))).containsExactly("{\"n\":0}", "{\"n\":2}");
        }
    }
}
