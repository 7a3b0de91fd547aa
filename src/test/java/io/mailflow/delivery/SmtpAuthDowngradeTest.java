package io.mailflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SMTP AUTH never crosses a clear connection unless explicitly allowed, even when the relay (or someone on the
 * path stripping its STARTTLS offer) invites it: a relay on 127.0.0.1 that offers AUTH PLAIN but no STARTTLS,
 * and records every line the client sends. With {@code smtp.security starttls} the send fails before any AUTH
 * and the password never reaches the wire; configuring AUTH over {@code none} is refused at construction
 * ({@link SmtpSettings}); the control, {@code smtp.allow-auth-without-tls true}, shows the recorder does see
 * the AUTH line and the password when they are sent.
 */
class SmtpAuthDowngradeTest {
    private static final String USER = "mailer-user";
    private static final String PASSWORD = "planted-smtp-Jd72x";

    private ServerSocket server;
    private Thread thread;
    private final List<String> received = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void startRelay() throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "clear-smtp-relay");
        thread.setDaemon(true);
        thread.start();
    }

    @AfterEach
    void stopRelay() throws Exception {
        server.close();
        thread.join(10_000);
    }

    /** An ESMTP relay without STARTTLS: offers AUTH PLAIN, accepts everything, records every line. */
    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = s.getOutputStream();
                reply(out, "220 relay.test ESMTP");
                boolean data = false;
                String line;
                while ((line = in.readLine()) != null) {
                    received.add(line);
                    String upper = line.toUpperCase(java.util.Locale.ROOT);
                    if (data) {
                        if (line.equals(".")) {
                            data = false;
                            reply(out, "250 2.0.0 queued");
                        }
                    } else if (upper.startsWith("EHLO")) {
                        reply(out, "250-relay.test\r\n250-AUTH PLAIN\r\n250 8BITMIME");
                    } else if (upper.startsWith("AUTH")) {
                        if (line.trim().split(" ").length < 3) {
                            reply(out, "334 ");
                            received.add(in.readLine());
                        }
                        reply(out, "235 2.7.0 authenticated");
                    } else if (upper.startsWith("DATA")) {
                        data = true;
                        reply(out, "354 go ahead");
                    } else if (upper.startsWith("QUIT")) {
                        reply(out, "221 bye");
                        break;
                    } else {
                        reply(out, "250 OK");
                    }
                }
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                received.add("relay error: " + e);
            }
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private SmtpSettings settings(SmtpSecurity security, boolean allowAuthWithoutTls) {
        return new SmtpSettings(
                "127.0.0.1",
                server.getLocalPort(),
                security,
                USER,
                PASSWORD,
                5_000,
                "shop@shop.test",
                "Shop",
                allowAuthWithoutTls);
    }

    private List<String> wire() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** What the relay received, with every base64 token (SASL PLAIN and LOGIN responses) also decoded. */
    private static String readable(List<String> wire) {
        StringBuilder sb = new StringBuilder();
        for (String line : wire) {
            sb.append(line).append('\n');
            for (String token : line.trim().split("\\s+")) {
                try {
                    sb.append(new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8))
                            .append('\n');
                } catch (IllegalArgumentException notBase64) {
                    // not a SASL response
                }
            }
        }
        return sb.toString();
    }

    @Test
    void starttlsRequiredRefusesARelayWithoutStarttlsBeforeAnyAuth() throws Exception {
        try (SmtpMailClient client = new SmtpMailClient(settings(SmtpSecurity.STARTTLS, false))) {
            assertThatThrownBy(() -> client.send(Emails.to("r1", "u1", "ann@shop.test")))
                    .isInstanceOf(DeliveryException.class);
        }
        List<String> wire = wire();
        assertThat(wire)
                .as("the client talked to the relay")
                .anySatisfy(l -> assertThat(l).startsWithIgnoringCase("EHLO"));
        assertThat(wire).noneSatisfy(l -> assertThat(l).startsWithIgnoringCase("AUTH"));
        assertThat(wire).noneSatisfy(l -> assertThat(l).startsWithIgnoringCase("MAIL FROM"));
        assertThat(readable(wire)).doesNotContain(PASSWORD);
    }

    @Test
    void authOverAClearConnectionCannotBeConfiguredByDefault() {
        assertThatThrownBy(() -> settings(SmtpSecurity.NONE, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("smtp.allow-auth-without-tls")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void theRecorderSeesTheCredentialsWhenClearAuthIsExplicitlyAllowed() throws Exception {
        try (SmtpMailClient client = new SmtpMailClient(settings(SmtpSecurity.NONE, true))) {
            client.send(Emails.to("r2", "u2", "ann@shop.test"));
        }
        List<String> wire = wire();
        assertThat(wire).anySatisfy(l -> assertThat(l).startsWithIgnoringCase("AUTH PLAIN"));
        assertThat(readable(wire)).contains(PASSWORD);
    }
}
