package io.mailflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The capturing server writes every received message exactly once, in whatever order they arrive. */
class CapturingSmtpServerTest {

    @Test
    void aSecondMessageToAnEarlierRecipientIsWrittenAndNothingIsWrittenTwice(@TempDir Path dir) throws Exception {
        try (CapturingSmtpServer smtp = new CapturingSmtpServer(dir)) {
            send(smtp.port(), "a@example.com", "<1@test>");
            send(smtp.port(), "b@example.com", "<2@test>");
            assertThat(smtp.flushToFolder()).isEqualTo(2);
            // GreenMail lists messages mailbox by mailbox: this one sorts before b's message
            send(smtp.port(), "a@example.com", "<3@test>");
            assertThat(smtp.flushToFolder()).isEqualTo(3);
            assertThat(smtp.flushToFolder()).isEqualTo(3);

            assertThat(messageIds(dir)).containsExactlyInAnyOrder("<1@test>", "<2@test>", "<3@test>");
        }
    }

    private static void send(int port, String to, String messageId) throws Exception {
        Properties p = new Properties();
        p.setProperty("mail.smtp.host", "127.0.0.1");
        p.setProperty("mail.smtp.port", Integer.toString(port));
        MimeMessage m = new MimeMessage(Session.getInstance(p)) {
            @Override
            protected void updateMessageID() throws jakarta.mail.MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        m.setFrom(new InternetAddress("shop@example.com"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        m.setSubject("test");
        m.setText("hello");
        Transport.send(m);
    }

    private static List<String> messageIds(Path dir) throws Exception {
        Session session = Session.getInstance(new Properties());
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> {
                        try (InputStream in = Files.newInputStream(f)) {
                            return new MimeMessage(session, in).getMessageID();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .toList();
        }
    }
}
