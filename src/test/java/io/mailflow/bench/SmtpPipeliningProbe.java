package io.mailflow.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What SMTP PIPELINING (RFC 2920) would bring, measured rather than guessed: Jakarta Mail (Angus Mail 2.0)
 * has no pipelining, so this bare client sends the same message bytes over kept-open connections in two ways:
 * one command, then wait for its reply (what Angus Mail does: four round trips per message), or MAIL FROM,
 * RCPT TO and DATA in one write and their three replies read together (two round trips). Benchmark only: no
 * error handling beyond failing on an unexpected reply.
 */
final class SmtpPipeliningProbe {
    private SmtpPipeliningProbe() {}

    /** @return messages per second over {@code sessions} connections */
    static double run(int port, int messages, int sessions, byte[] message, boolean pipelined) throws Exception {
        AtomicInteger left = new AtomicInteger(messages);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        byte[] envelope = ("MAIL FROM:<bench@mailflow.local>\r\nRCPT TO:<sink@example.com>\r\nDATA\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        long t0 = System.nanoTime();
        for (int s = 0; s < sessions; s++) {
            Thread t = new Thread(() -> {
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.setTcpNoDelay(true);
                    InputStream in = new BufferedInputStream(socket.getInputStream());
                    OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
                    expect(in, '2');
                    command(out, "EHLO mailflow.local\r\n");
                    expect(in, '2');
                    while (left.getAndDecrement() > 0) {
                        if (pipelined) {
                            out.write(envelope);
                            out.flush();
                            expect(in, '2');
                            expect(in, '2');
                            expect(in, '3');
                        } else {
                            command(out, "MAIL FROM:<bench@mailflow.local>\r\n");
                            expect(in, '2');
                            command(out, "RCPT TO:<sink@example.com>\r\n");
                            expect(in, '2');
                            command(out, "DATA\r\n");
                            expect(in, '3');
                        }
                        out.write(message);
                        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        expect(in, '2');
                    }
                    command(out, "QUIT\r\n");
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("pipelining probe failed", errors.get(0));
        }
        return messages / ((System.nanoTime() - t0) / 1e9);
    }

    private static void command(OutputStream out, String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads one (possibly multi-line) reply and checks its first digit. */
    private static void expect(InputStream in, char first) throws IOException {
        while (true) {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                line.append((char) c);
            }
            if (line.length() < 4 || line.charAt(0) != first) {
                throw new IOException("unexpected reply: " + line.toString().strip());
            }
            if (line.charAt(3) != '-') {
                return;
            }
        }
    }
}
