package io.mailflow.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Postfix's {@code smtp-sink} as a child process on 127.0.0.1: a fast, real SMTP server that accepts and
 * discards mail. Install with Debian's {@code postfix} package (see README, benchmarks).
 */
final class SmtpSink implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/smtp-sink");
    private final Process process;
    private final int port;

    SmtpSink() throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(
                    BINARY + " is missing: install Debian's postfix package (see README, benchmarks)");
        }
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // -c: count; backlog 256; -u nobody because we may run as root
        process = new ProcessBuilder(BINARY.toString(), "-u", "nobody", "127.0.0.1:" + port, "256")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    close();
                    throw new IllegalStateException("smtp-sink did not start on port " + port, e);
                }
                Thread.sleep(50);
            }
        }
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
