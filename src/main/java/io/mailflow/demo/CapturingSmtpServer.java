package io.mailflow.demo;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real SMTP server on 127.0.0.1 (GreenMail) that accepts every message and writes each one as an
 * {@code .eml} file, so the demo's e-mails can be opened in any mail client.
 */
public final class CapturingSmtpServer implements AutoCloseable {
    private final GreenMail greenMail;
    private final Path folder;
    private int written;

    public CapturingSmtpServer(Path folder) throws IOException {
        this.folder = Files.createDirectories(folder);
        this.greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        this.greenMail.start();
    }

    public int port() {
        return greenMail.getSmtp().getPort();
    }

    public Path folder() {
        return folder;
    }

    /** Writes the messages received since the last call; returns how many have been received in all. */
    public synchronized int flushToFolder() throws Exception {
        MimeMessage[] all = greenMail.getReceivedMessages();
        for (int i = written; i < all.length; i++) {
            String id = all[i].getMessageID() == null ? "msg-" + i : all[i].getMessageID().replaceAll("[<>@.]", "_");
            Path file = folder.resolve(String.format("%05d%s.eml", i + 1, id));
            try (OutputStream out = Files.newOutputStream(file)) {
                all[i].writeTo(out);
            }
        }
        written = all.length;
        return written;
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
