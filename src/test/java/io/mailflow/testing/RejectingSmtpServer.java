package io.mailflow.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small but real SMTP server on 127.0.0.1 that answers {@code RCPT TO} for any address containing
 * {@code rejectMarker} with {@code 550 5.1.1 user unknown} and accepts everything else. GreenMail cannot
 * be told to reject a recipient, and a permanent rejection is what this test double is for.
 */
public final class RejectingSmtpServer implements AutoCloseable {
    private final ServerSocket socket;
    private final String rejectMarker;
    private final List<String> accepted = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public RejectingSmtpServer(String rejectMarker) throws IOException {
        this.rejectMarker = rejectMarker.toLowerCase(Locale.ROOT);
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "rejecting-smtp");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Recipients of the messages accepted so far. */
    public List<String> accepted() {
        return accepted;
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                Thread t = new Thread(() -> session(s), "rejecting-smtp-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void session(Socket s) {
        try (s;
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                Writer out = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8)) {
            reply(out, "220 localhost test SMTP");
            String rcpt = null;
            String line;
            while ((line = in.readLine()) != null) {
                String cmd = line.toUpperCase(Locale.ROOT);
                if (cmd.startsWith("EHLO") || cmd.startsWith("HELO")) {
                    reply(out, "250 localhost");
                } else if (cmd.startsWith("MAIL FROM")) {
                    rcpt = null;
                    reply(out, "250 2.1.0 Ok");
                } else if (cmd.startsWith("RCPT TO")) {
                    if (line.toLowerCase(Locale.ROOT).contains(rejectMarker)) {
                        reply(out, "550 5.1.1 user unknown");
                    } else {
                        rcpt = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
                        reply(out, "250 2.1.5 Ok");
                    }
                } else if (cmd.equals("DATA")) {
                    reply(out, "354 End data with <CR><LF>.<CR><LF>");
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        // message content is not needed
                    }
                    accepted.add(rcpt);
                    reply(out, "250 2.0.0 Ok: queued");
                } else if (cmd.equals("RSET") || cmd.equals("NOOP")) {
                    reply(out, "250 2.0.0 Ok");
                } else if (cmd.equals("QUIT")) {
                    reply(out, "221 2.0.0 Bye");
                    return;
                } else {
                    reply(out, "502 5.5.2 Error: command not recognized");
                }
            }
        } catch (IOException ignored) {
            // client went away
        }
    }

    private static void reply(Writer out, String line) throws IOException {
        out.write(line + "\r\n");
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
