package io.mailflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.email.EspHeaders;
import io.mailflow.model.RenderedEmail;
import org.junit.jupiter.api.Test;

/**
 * SMTP PIPELINING (RFC 2920): against a relay that offers it, MAIL FROM, RCPT TO and DATA leave together (the
 * scripted relay answers MAIL FROM only once all three arrived, so a client waiting for each reply would time
 * out); refusals keep their meaning (a refused recipient is a recipient rejection, a refused sender a relay
 * rejection) and send nothing; a request that may no longer be sent is abandoned after the 354 and before any
 * of the message, so nothing is sent either.
 */
class SmtpPipeliningTest {
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

    private static SmtpMailClient client(ScriptedSmtpServer server, boolean pipelining) {
        return new SmtpMailClient(
                new SmtpSettings(
                        "127.0.0.1", server.port(), SmtpSecurity.NONE, "", "", 2_000, "shop@mailflow.local", "Shop"),
                EspHeaders.none(),
                SmtpMailClient.MimeWriter.MAILFLOW,
                pipelining);
    }

    @Test
    void envelopeIsPipelinedWhenTheRelayOffersIt() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().requirePipelining();
                SmtpMailClient client = client(server, true)) {
            for (int i = 0; i < 5; i++) {
                assertThat(client.send(email(i))).startsWith("250");
            }
            assertThat(server.accepted())
                    .containsExactly(
                            "u0@example.com", "u1@example.com", "u2@example.com", "u3@example.com", "u4@example.com");
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void withPipeliningOffTheClientWaitsForEachReply() throws Exception {
        // the control: the same relay, a client that does not pipeline, gets no reply to MAIL FROM
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().requirePipelining();
                SmtpMailClient client = client(server, false)) {
            assertThatThrownBy(() -> client.send(email(1))).isInstanceOf(DeliveryException.class);
            assertThat(server.accepted()).isEmpty();
        }
    }

    @Test
    void refusedRecipientIsARecipientRejectionAndSendsNothing() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer()
                        .requirePipelining()
                        .reply(ScriptedSmtpServer.Stage.RCPT, "550 5.1.1 no such user");
                SmtpMailClient client = client(server, true)) {
            assertThatThrownBy(() -> client.send(email(1)))
                    .isInstanceOfSatisfying(
                            DeliveryException.class,
                            e -> assertThat(e.kind()).isEqualTo(DeliveryException.Kind.RECIPIENT_REJECTED))
                    .hasMessageContaining("550");
            assertThat(server.accepted()).isEmpty();
            // the next message goes through (on a new connection: the refused one was closed)
            server.reply(ScriptedSmtpServer.Stage.RCPT, "250 2.1.5 Ok");
            assertThat(client.send(email(2))).startsWith("250");
            assertThat(server.accepted()).containsExactly("u2@example.com");
        }
    }

    @Test
    void refusedSenderIsARelayRejection() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer()
                        .requirePipelining()
                        .reply(ScriptedSmtpServer.Stage.MAIL, "550 5.7.1 relay access denied");
                SmtpMailClient client = client(server, true)) {
            assertThatThrownBy(() -> client.send(email(1)))
                    .isInstanceOfSatisfying(
                            DeliveryException.class,
                            e -> assertThat(e.kind()).isEqualTo(DeliveryException.Kind.RELAY_REJECTED));
            assertThat(server.accepted()).isEmpty();
        }
    }

    @Test
    void aRequestThatMayNoLongerBeSentIsAbandonedBeforeTheMessage() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().requirePipelining();
                SmtpMailClient client = client(server, true)) {
            assertThatThrownBy(() -> client.send(email(1), () -> false))
                    .isInstanceOfSatisfying(
                            DeliveryException.class,
                            e -> assertThat(e.kind()).isEqualTo(DeliveryException.Kind.CANCELLED));
            assertThat(client.send(email(2))).startsWith("250");
            assertThat(server.accepted()).containsExactly("u2@example.com");
        }
    }
}
