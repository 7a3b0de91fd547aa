package io.mailflow.delivery;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny but real SMTP server on 127.0.0.1 that answers each stage of a transaction as scripted: by
 * default everything is accepted; {@link #reply} replaces the answer of one stage (an authentication
 * failure, a relay or a recipient rejection, a rejected message), {@link #hold} keeps the answer of one
 * stage back until {@link #release} (a slow server, without sleeping). Counts DATA commands, so a test can
 * tell whether a message was ever committed.
 */
final class ScriptedSmtpServer implements AutoCloseable {
    /** Where in the transaction a reply is given; END is the reply after the message's final ".". */
    enum Stage {
        AUTH,
        MAIL,
        RCPT,
        DATA,
        END
    }

    private final ServerSocket socket;
    private final Map<Stage, String> replies = new EnumMap<>(Stage.class);
    private final Map<Stage, CountDownLatch> holds = new EnumMap<>(Stage.class);
    private final AtomicInteger dataCommands = new AtomicInteger();
    private final List<String> accepted = new CopyOnWriteArrayList<>();
    private final CountDownLatch held = new CountDownLatch(1);
    private final AtomicInteger slowLeft = new AtomicInteger();
    private final AtomicInteger noops = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile int closeAfterMessages = Integer.MAX_VALUE;
    private volatile boolean pipelining;
    private volatile boolean requirePipelining;
    private volatile Stage slowStage;
    private volatile long slowMillis;

    ScriptedSmtpServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "scripted-smtp");
        t.setDaemon(true);
        t.start();
    }

    ScriptedSmtpServer reply(Stage stage, String line) {
        replies.put(stage, line);
        return this;
    }

    /** The server takes {@code millis} before it answers {@code stage}, on the first {@code times} occasions. */
    ScriptedSmtpServer slow(Stage stage, long millis, int times) {
        slowStage = stage;
        slowMillis = millis;
        slowLeft.set(times);
        return this;
    }

    ScriptedSmtpServer hold(Stage stage) {
        holds.put(stage, new CountDownLatch(1));
        return this;
    }

    /** Waits until a client is waiting for a held reply. */
    boolean awaitHeld(long seconds) throws InterruptedException {
        return held.await(seconds, TimeUnit.SECONDS);
    }

    void release() {
        holds.values().forEach(CountDownLatch::countDown);
    }

    /** The server drops the connection, without a word, after this many messages on it (an idle timeout). */
    ScriptedSmtpServer closeAfterMessages(int n) {
        closeAfterMessages = n;
        return this;
    }

    /** Offers PIPELINING (RFC 2920) in its EHLO reply. */
    ScriptedSmtpServer pipelining() {
        pipelining = true;
        return this;
    }

    /**
     * Offers PIPELINING and answers MAIL FROM only once RCPT TO and DATA have arrived too: a client that waits
     * for each reply gets none (and times out), a pipelining client is served.
     */
    ScriptedSmtpServer requirePipelining() {
        pipelining = true;
        requirePipelining = true;
        return this;
    }

    int noops() {
        return noops.get();
    }

    int connections() {
        return connections.get();
    }

    int port() {
        return socket.getLocalPort();
    }

    /** How many times a client issued DATA (committed to sending a message). */
    int dataCommands() {
        return dataCommands.get();
    }

    /** Recipients of the messages accepted (250 after the final "."). */
    List<String> accepted() {
        return accepted;
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                Thread t = new Thread(() -> session(s), "scripted-smtp-session");
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
            connections.incrementAndGet();
            write(out, "220 localhost scripted SMTP");
            String rcpt = null;
            int messages = 0;
            String line;
            while ((line = in.readLine()) != null) {
                String cmd = line.toUpperCase(Locale.ROOT);
                if (cmd.startsWith("EHLO")) {
                    write(
                            out,
                            replies.containsKey(Stage.AUTH)
                                    ? "250-localhost\r\n250 AUTH PLAIN LOGIN"
                                    : pipelining ? "250-localhost\r\n250 PIPELINING" : "250 localhost");
                } else if (cmd.startsWith("HELO")) {
                    write(out, "250 localhost");
                } else if (cmd.startsWith("AUTH")) {
                    answer(out, Stage.AUTH, "235 2.7.0 Authentication successful");
                } else if (cmd.startsWith("MAIL FROM") && requirePipelining) {
                    String r = in.readLine();
                    String d = in.readLine();
                    if (r == null
                            || d == null
                            || !r.toUpperCase(Locale.ROOT).startsWith("RCPT TO")
                            || !d.equals("DATA")) {
                        return;
                    }
                    boolean sender = answer(out, Stage.MAIL, "250 2.1.0 Ok").startsWith("2");
                    if (!sender) {
                        write(out, "503 5.5.1 Error: need MAIL command");
                    }
                    rcpt = sender && answer(out, Stage.RCPT, "250 2.1.5 Ok").startsWith("2")
                            ? r.substring(r.indexOf('<') + 1, r.indexOf('>'))
                            : null;
                    dataCommands.incrementAndGet();
                    answer(out, Stage.DATA, rcpt == null ? "554 5.5.1 Error: no valid recipients" : "354 go ahead");
                    if (rcpt == null) {
                        continue;
                    }
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        // content is not needed
                    }
                    if (line == null) {
                        return; // the client left before the final ".": nothing was sent
                    }
                    answerEnd(out, rcpt);
                } else if (cmd.startsWith("MAIL FROM")) {
                    rcpt = null;
                    answer(out, Stage.MAIL, "250 2.1.0 Ok");
                } else if (cmd.startsWith("RCPT TO")) {
                    String address = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
                    if (answer(out, Stage.RCPT, "250 2.1.5 Ok").startsWith("2")) {
                        rcpt = address;
                    }
                } else if (cmd.equals("DATA")) {
                    dataCommands.incrementAndGet();
                    if (!answer(out, Stage.DATA, "354 End data with <CR><LF>.<CR><LF>")
                            .startsWith("3")) {
                        continue;
                    }
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        // content is not needed
                    }
                    answerEnd(out, rcpt);
                    if (++messages >= closeAfterMessages) {
                        return;
                    }
                } else if (cmd.equals("RSET") || cmd.equals("NOOP")) {
                    if (cmd.equals("NOOP")) {
                        noops.incrementAndGet();
                    }
                    write(out, "250 2.0.0 Ok");
                } else if (cmd.equals("QUIT")) {
                    write(out, "221 2.0.0 Bye");
                    return;
                } else {
                    write(out, "502 5.5.2 Error: command not recognized");
                }
            }
        } catch (IOException | InterruptedException ignored) {
            // client went away
        }
    }

    private String answer(Writer out, Stage stage, String normal) throws IOException, InterruptedException {
        CountDownLatch hold = holds.get(stage);
        if (hold != null) {
            held.countDown();
            hold.await(60, TimeUnit.SECONDS);
        }
        if (stage == slowStage && slowLeft.getAndDecrement() > 0) {
            Thread.sleep(slowMillis); // the server's own slowness, not a test waiting for a condition
        }
        String line = replies.getOrDefault(stage, normal);
        write(out, line);
        return line;
    }

    /** The reply after the final "."; an accepted message is recorded before the client can see the reply. */
    private void answerEnd(Writer out, String rcpt) throws IOException, InterruptedException {
        String line = replies.getOrDefault(Stage.END, "250 2.0.0 Ok: queued");
        if (line.startsWith("2")) {
            accepted.add(rcpt);
        }
        answer(out, Stage.END, line);
    }

    private static void write(Writer out, String line) throws IOException {
        out.write(line + "\r\n");
        out.flush();
    }

    @Override
    public void close() throws IOException {
        release();
        socket.close();
    }
}
