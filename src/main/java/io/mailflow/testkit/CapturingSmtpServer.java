package io.mailflow.testkit;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * A real SMTP server on 127.0.0.1 (GreenMail) that accepts every message and writes each one as an
 * {@code .eml} file, so the demo's e-mails can be opened in any mail client.
 */
public final class CapturingSmtpServer implements AutoCloseable {
    private final GreenMail greenMail;
    private final Path folder;
    /**
     * Messages already written, by identity. GreenMail lists its messages mailbox by mailbox, so a second
     * message to an earlier recipient lands in the middle of the list: counting "the first n are written"
     * would write another message twice and this one never (tests count copies per Message-ID).
     */
    private final Set<MimeMessage> written = Collections.newSetFromMap(new IdentityHashMap<>());

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

    /** Every message received so far (the same objects on every call, so callers can tell new ones by identity). */
    public MimeMessage[] received() {
        return greenMail.getReceivedMessages();
    }

    /** Writes the messages received since the last call, each once; returns how many have been received in all. */
    public synchronized int flushToFolder() throws Exception {
        MimeMessage[] all = greenMail.getReceivedMessages();
        for (MimeMessage m : all) {
            if (!written.add(m)) {
                continue;
            }
            int n = written.size();
            String id = m.getMessageID() == null ? "msg-" + n : m.getMessageID().replaceAll("[<>@.]", "_");
            try (OutputStream out = Files.newOutputStream(folder.resolve(String.format("%05d%s.eml", n, id)))) {
                m.writeTo(out);
            }
        }
        return all.length;
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
