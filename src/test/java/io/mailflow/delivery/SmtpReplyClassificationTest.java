package io.mailflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mailflow.delivery.DeliveryException.Kind;
import io.mailflow.delivery.ScriptedSmtpServer.Stage;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11, item 6: only recipient-stage rejections (5.1.x / 5.2.x, and their plain equivalents at RCPT
 * TO) are bounces; relay-level 5xx and authentication failures fail the request without suppressing the
 * recipient. Each case is a real SMTP exchange with a server on 127.0.0.1 that answers the scripted code.
 */
class SmtpReplyClassificationTest {

    static Stream<Arguments> replies() {
        return Stream.of(
                Arguments.of(
                        Stage.RCPT,
                        "550 5.1.1 <ann@example.com>: Recipient address rejected: user unknown",
                        Kind.RECIPIENT_REJECTED,
                        550),
                Arguments.of(Stage.RCPT, "552 5.2.2 Mailbox full", Kind.RECIPIENT_REJECTED, 552),
                Arguments.of(
                        Stage.RCPT,
                        "550 Requested action not taken: mailbox unavailable",
                        Kind.RECIPIENT_REJECTED,
                        550),
                Arguments.of(Stage.RCPT, "553 mailbox name not allowed", Kind.RECIPIENT_REJECTED, 553),
                Arguments.of(Stage.RCPT, "550 5.7.1 <ann@example.com>: Relay access denied", Kind.RELAY_REJECTED, 550),
                Arguments.of(Stage.RCPT, "550 relaying denied", Kind.RELAY_REJECTED, 550),
                Arguments.of(
                        Stage.RCPT, "554 5.7.1 Service unavailable; client host blocked", Kind.RELAY_REJECTED, 554),
                Arguments.of(Stage.MAIL, "530 5.7.0 Authentication required", Kind.RELAY_REJECTED, 530),
                Arguments.of(
                        Stage.MAIL, "553 5.1.8 Sender address rejected: domain not found", Kind.RELAY_REJECTED, 553),
                Arguments.of(Stage.END, "554 5.7.1 Message content rejected", Kind.RELAY_REJECTED, 554),
                Arguments.of(Stage.END, "552 5.3.4 Message size exceeds fixed limit", Kind.RELAY_REJECTED, 552),
                Arguments.of(Stage.RCPT, "450 4.2.1 Mailbox busy, try later", Kind.TRANSIENT, 450),
                Arguments.of(Stage.MAIL, "421 4.3.2 Service shutting down", Kind.TRANSIENT, 421));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("replies")
    void classifiesEachReply(Stage stage, String reply, Kind expected, int code) throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().reply(stage, reply);
                SmtpMailClient client = new SmtpMailClient(Emails.smtp(server.port()))) {
            DeliveryException e = catchThrowableOfType(
                    () -> client.send(Emails.to("r1", "u1", "ann@example.com")), DeliveryException.class);
            assertThat(e).as("delivery must fail").isNotNull();
            assertThat(e.kind()).isEqualTo(expected);
            assertThat(e.smtpCode()).isEqualTo(code);
            assertThat(server.accepted()).isEmpty();
        }
    }

    @ParameterizedTest(name = "authentication failure {0}")
    @MethodSource("authFailures")
    void anAuthenticationFailureIsARelayProblemNotATransientOne(String reply) throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer().reply(Stage.AUTH, reply);
                SmtpMailClient client = new SmtpMailClient(new SmtpSettings(
                        "127.0.0.1",
                        server.port(),
                        SmtpSecurity.NONE,
                        "mailflow",
                        "wrong",
                        5_000,
                        "shop@shop.test",
                        "Shop",
                        true))) { // a scripted relay on the loopback: AUTH in clear explicitly allowed
            DeliveryException e = catchThrowableOfType(
                    () -> client.send(Emails.to("r1", "u1", "ann@example.com")), DeliveryException.class);
            assertThat(e.kind()).isEqualTo(Kind.RELAY_REJECTED);
            assertThat(server.dataCommands()).isZero();
        }
    }

    static Stream<String> authFailures() {
        return Stream.of("535 5.7.8 Authentication credentials invalid");
    }
}
