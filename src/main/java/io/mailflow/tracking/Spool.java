package io.mailflow.tracking;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * A bounded first-in first-out queue of Kafka records on disk: where the tracking service keeps the events it
 * could not hand to Kafka, until the broker is back.
 *
 * <p>Layout: segment files {@code spool-<n>.log} of framed records ({@code int length, int CRC-32, body}; the
 * body is topic, key and value, each length-prefixed) and a {@code cursor} file with the segment and offset of
 * the oldest record not yet delivered, replaced atomically on every {@link #commit}. A segment is deleted once
 * read past; the spool is emptied to zero bytes whenever everything has been delivered.
 *
 * <p>Bounded: {@link #append} refuses a record (returns false) that would take the undelivered bytes past
 * {@code maxBytes}, so an outage longer than the spool can hold drops the newest events, counted by the caller,
 * instead of filling the disk.
 *
 * <p>Durability: every append is written to the file at once (it survives a crash of the process);
 * {@link #sync} forces it to the device and is called by the replayer about once a second. At start, a torn
 * record at the end of a segment (a crash in the middle of a write) is cut off. Thread-safe.
 */
final class Spool implements AutoCloseable {
    /** A record waiting for Kafka. */
    record Entry(String topic, byte[] key, byte[] value) {}

    /** An entry read by {@link #peek}, with the position just after it, which {@link #commit} moves to. */
    record Spooled(Entry entry, long segment, long end) {}

    private static final int HEADER = 8;
    private static final int MAX_RECORD = 1 << 20;

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final TreeMap<Long, Path> segments = new TreeMap<>();
    private FileChannel writer;
    private long writerSegment;
    private long readSegment;
    private long readOffset;
    private long records;
    private long bytes;

    private Spool(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = Math.max(64 * 1024, Math.min(16L << 20, maxBytes / 8));
    }

    /** Opens the spool in {@code dir} (created if missing), recovering what a previous process left there. */
    static Spool open(Path dir, long maxBytes) throws IOException {
        Files.createDirectories(dir);
        Spool s = new Spool(dir, maxBytes);
        s.recover();
        return s;
    }

    /** Appends a record; false when the spool is full (or the record is larger than 1 MiB). */
    synchronized boolean append(Entry e) {
        byte[] body = encode(e);
        if (body.length > MAX_RECORD || bytes + HEADER + body.length > maxBytes) {
            return false;
        }
        try {
            if (writer.size() >= segmentBytes) {
                roll();
            }
            CRC32 crc = new CRC32();
            crc.update(body);
            ByteBuffer buf = ByteBuffer.allocate(HEADER + body.length);
            buf.putInt(body.length).putInt((int) crc.getValue()).put(body).flip();
            while (buf.hasRemaining()) {
                writer.write(buf);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write to the spool in " + dir, ex);
        }
        records++;
        bytes += HEADER + body.length;
        return true;
    }

    /** Up to {@code max} of the oldest undelivered records, oldest first; the spool is unchanged. */
    synchronized List<Spooled> peek(int max) {
        List<Spooled> out = new ArrayList<>();
        long segment = readSegment;
        long offset = readOffset;
        try {
            while (out.size() < max && segments.containsKey(segment)) {
                try (FileChannel ch = FileChannel.open(segments.get(segment), StandardOpenOption.READ)) {
                    long size = segment == writerSegment ? writer.size() : ch.size();
                    while (out.size() < max && offset < size) {
                        byte[] body = readRecord(ch, offset, size);
                        offset += HEADER + body.length;
                        out.add(new Spooled(decode(body), segment, offset));
                    }
                }
                if (out.size() < max) {
                    Long next = segments.higherKey(segment);
                    if (next == null) {
                        break;
                    }
                    segment = next;
                    offset = 0;
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read the spool in " + dir, ex);
        }
        return out;
    }

    /** Marks {@code delivered}, a prefix of what {@link #peek} returned, as delivered. */
    synchronized void commit(List<Spooled> delivered) {
        if (delivered.isEmpty()) {
            return;
        }
        Spooled last = delivered.get(delivered.size() - 1);
        for (Spooled s : delivered) {
            bytes -= HEADER + encodedLength(s.entry());
        }
        records -= delivered.size();
        readSegment = last.segment();
        readOffset = last.end();
        try {
            for (Long old : new ArrayList<>(segments.headMap(readSegment).keySet())) {
                Files.deleteIfExists(segments.remove(old));
            }
            if (records == 0) {
                // everything delivered: start again from an empty segment
                for (Long old : new ArrayList<>(segments.headMap(writerSegment).keySet())) {
                    Files.deleteIfExists(segments.remove(old));
                }
                writer.truncate(0);
                writer.position(0);
                readSegment = writerSegment;
                readOffset = 0;
                bytes = 0;
            }
            writeCursor();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot update the spool in " + dir, ex);
        }
    }

    synchronized long records() {
        return records;
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized boolean isEmpty() {
        return records == 0;
    }

    /** Forces what was appended to the storage device. */
    synchronized void sync() {
        try {
            writer.force(false);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot sync the spool in " + dir, ex);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        writer.force(false);
        writer.close();
    }

    private void recover() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                String n = p.getFileName().toString();
                if (n.matches("spool-\\d{1,19}\\.log")) {
                    segments.put(Long.parseLong(n.substring(6, n.length() - 4)), p);
                }
            });
        }
        if (segments.isEmpty()) {
            segments.put(0L, segmentPath(0));
        }
        readSegment = segments.firstKey();
        readOffset = 0;
        Path cursor = dir.resolve("cursor");
        if (Files.exists(cursor)) {
            String[] f = Files.readString(cursor).trim().split(" ");
            long seg = Long.parseLong(f[0]);
            if (segments.containsKey(seg)) {
                readSegment = seg;
                readOffset = Long.parseLong(f[1]);
            }
        }
        for (Long old : new ArrayList<>(segments.headMap(readSegment).keySet())) {
            Files.deleteIfExists(segments.remove(old));
        }
        // count what is left and cut off a torn record at the end of each segment
        for (var e : segments.tailMap(readSegment).entrySet()) {
            try (FileChannel ch = FileChannel.open(
                    e.getValue(), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
                long offset = e.getKey() == readSegment ? readOffset : 0;
                long size = ch.size();
                while (offset < size) {
                    byte[] body;
                    try {
                        body = readRecord(ch, offset, size);
                    } catch (IOException torn) {
                        ch.truncate(offset);
                        break;
                    }
                    offset += HEADER + body.length;
                    records++;
                    bytes += HEADER + body.length;
                }
            }
        }
        writerSegment = segments.lastKey();
        writer = FileChannel.open(segments.get(writerSegment), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        writer.position(writer.size());
        writeCursor();
    }

    private void roll() throws IOException {
        writer.force(false);
        writer.close();
        writerSegment++;
        segments.put(writerSegment, segmentPath(writerSegment));
        writer = FileChannel.open(
                segments.get(writerSegment),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    private Path segmentPath(long n) {
        return dir.resolve("spool-" + n + ".log");
    }

    private void writeCursor() throws IOException {
        Path tmp = dir.resolve("cursor.tmp");
        Files.writeString(tmp, readSegment + " " + readOffset + "\n");
        Files.move(tmp, dir.resolve("cursor"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static byte[] readRecord(FileChannel ch, long offset, long size) throws IOException {
        if (offset + HEADER > size) {
            throw new IOException("torn record header at " + offset);
        }
        ByteBuffer head = ByteBuffer.allocate(HEADER);
        readFully(ch, head, offset);
        int length = head.getInt(0);
        int crc = head.getInt(4);
        if (length < 0 || length > MAX_RECORD || offset + HEADER + length > size) {
            throw new IOException("torn record at " + offset);
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(ch, body, offset + HEADER);
        CRC32 c = new CRC32();
        c.update(body.array());
        if ((int) c.getValue() != crc) {
            throw new IOException("bad checksum at " + offset);
        }
        return body.array();
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long p = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, p);
            if (n < 0) {
                throw new IOException("end of segment at " + p);
            }
            p += n;
        }
    }

    private static int encodedLength(Entry e) {
        return 12 + e.topic().getBytes(StandardCharsets.UTF_8).length + e.key().length + e.value().length;
    }

    private static byte[] encode(Entry e) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream(encodedLength(e));
            DataOutputStream out = new DataOutputStream(bos);
            byte[] topic = e.topic().getBytes(StandardCharsets.UTF_8);
            out.writeInt(topic.length);
            out.write(topic);
            out.writeInt(e.key().length);
            out.write(e.key());
            out.writeInt(e.value().length);
            out.write(e.value());
            return bos.toByteArray();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static Entry decode(byte[] body) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(body);
        try {
            byte[] topic = new byte[b.getInt()];
            b.get(topic);
            byte[] key = new byte[b.getInt()];
            b.get(key);
            byte[] value = new byte[b.getInt()];
            b.get(value);
            return new Entry(new String(topic, StandardCharsets.UTF_8), key, value);
        } catch (RuntimeException ex) {
            throw new IOException("undecodable spool record", ex);
        }
    }
}
