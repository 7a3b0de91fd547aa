package io.mailflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.RenderedEmail;
import org.junit.jupiter.api.Test;

/**
 * The client keeps one SMTP connection for many messages without a NOOP before each (Jakarta Mail's
 * {@code isConnected()} would add one round trip per message), and replaces a connection the server dropped
 * between messages without failing the message (the transaction had not reached DATA, so nothing was sent).
 */
class SmtpConnectionReuseTest {
    private static RenderedEmail email(int i) {
        return new RenderedEmail(
                "r" + i,
                "<r" + i + "@mailflow.local>",
                "c",
                "default",
                "u" + i,
                "u" + i + "@example.com",
                "Ann",
                "Hi",
                "<p>Hi</p>",
                "Hi",
                "<https://shop.example.com/u>",
                0L);
    }

    private static SmtpSettings settings(int port) {
        return new SmtpSettings("127.0.0.1", port, SmtpSecurity.NONE, "", "", 5_000, "shop@mailflow.local", "Shop");
    }

    @Test
    void oneConnectionNoProbes() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer();
                SmtpMailClient client = new SmtpMailClient(settings(server.port()))) {
            for (int i = 0; i < 20; i++) {
                assertThat(client.send(email(i))).startsWith("250");
            }
            assertThat(server.accepted()).hasSize(20);
            assertThat(server.connections()).isEqualTo(1);
            assertThat(server.noops()).isZero();
        }
    }

    @Test
    void aDroppedConnectionIsReplacedWithoutFailingTheMessage() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().closeAfterMessages(2);
                SmtpMailClient client = new SmtpMailClient(settings(server.port()))) {
            for (int i = 0; i < 7; i++) {
                assertThat(client.send(email(i))).startsWith("250");
            }
            assertThat(server.accepted()).hasSize(7);
            assertThat(server.dataCommands()).isEqualTo(7);
            assertThat(server.connections()).isEqualTo(4);
        }
    }
}
