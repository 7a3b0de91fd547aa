package io.mailflow.delivery;

import io.mailflow.delivery.DeliveryException.Kind;
import io.mailflow.email.EspHeaders;
import io.mailflow.model.RenderedEmail;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.commons.mail2.core.EmailException;
import org.apache.commons.mail2.jakarta.HtmlEmail;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Sends through SMTP over one connection that stays open between messages (opening a connection per
 * message costs a TCP and SMTP handshake each time). A broken connection is closed and reopened on the next
 * send; a connection idle for longer than {@link #PROBE_AFTER_IDLE_NANOS} is probed with NOOP before use
 * (Jakarta Mail's {@code isConnected()} sends a NOOP every time: one more round trip per message, a fifth
 * of an SMTP transaction).
 *
 * <p>The MIME message is written by {@link MimeComposer} ({@code smtp.mime-writer: mailflow}, the default)
 * or built with Apache Commons Email ({@code commons-email}); both give the same headers and parts
 * ({@code MimeComposerTest}), the first at a fraction of the CPU (docs/benchmarks.md).
 */
public final class SmtpMailClient implements MailClient {
    static {
        // Jakarta Mail 2.1 looks its StreamProvider up through ServiceLoader for every body part it encodes,
        // scanning the whole classpath each time: two thirds of the sender's CPU in a profile (see
        // docs/benchmarks.md). Naming the provider makes the lookup a single class instantiation.
        if (System.getProperty("jakarta.mail.util.StreamProvider") == null) {
            System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
        }
    }

    /** How the MIME message is written. */
    public enum MimeWriter {
        /** {@link MimeComposer}: one pass over the rendered parts. */
        MAILFLOW,
        /** Apache Commons Email's {@code HtmlEmail} over Jakarta Mail's MIME classes. */
        COMMONS_EMAIL
    }

    /** A connection unused for longer than this is checked with NOOP before the next transaction. */
    static final long PROBE_AFTER_IDLE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private final SmtpSettings settings;
    private final EspHeaders espHeaders;
    private final MimeWriter writer;
    private final boolean pipelining;
    private final Session session;
    private MimeComposer composer;
    private CancellableSmtpTransport transport;
    private long lastUsedNanos;

    public SmtpMailClient(SmtpSettings settings) {
        this(settings, EspHeaders.none());
    }

    /** @param espHeaders the mail provider headers that carry Mailflow's ids to the provider's event webhook */
    public SmtpMailClient(SmtpSettings settings, EspHeaders espHeaders) {
        this(settings, espHeaders, MimeWriter.MAILFLOW);
    }

    public SmtpMailClient(SmtpSettings settings, EspHeaders espHeaders, MimeWriter writer) {
        this(settings, espHeaders, writer, true);
    }

    /**
     * @param pipelining send MAIL FROM, RCPT TO and DATA without waiting for each reply (RFC 2920) when the
     *     server offers PIPELINING; Jakarta Mail itself does not pipeline
     */
    public SmtpMailClient(SmtpSettings settings, EspHeaders espHeaders, MimeWriter writer, boolean pipelining) {
        this.settings = settings;
        this.espHeaders = espHeaders;
        this.writer = writer;
        this.pipelining = pipelining;
        this.session = Session.getInstance(properties(settings));
    }

    static Properties properties(SmtpSettings s) {
        String proto = s.security() == SmtpSecurity.SMTPS ? "smtps" : "smtp";
        Properties p = new Properties();
        p.setProperty("mail.transport.protocol", proto);
        p.setProperty("mail." + proto + ".host", s.host());
        p.setProperty("mail." + proto + ".port", Integer.toString(s.port()));
        p.setProperty("mail." + proto + ".connectiontimeout", Long.toString(s.timeoutMs()));
        p.setProperty("mail." + proto + ".timeout", Long.toString(s.timeoutMs()));
        p.setProperty("mail." + proto + ".writetimeout", Long.toString(s.timeoutMs()));
        p.setProperty("mail." + proto + ".auth", Boolean.toString(s.authenticated()));
        // the envelope sender (MAIL FROM); a composed message is not parsed for its From header
        p.setProperty("mail." + proto + ".from", s.fromAddress());
        if (s.security() == SmtpSecurity.STARTTLS) {
            p.setProperty("mail.smtp.starttls.enable", "true");
            p.setProperty("mail.smtp.starttls.required", "true");
        }
        if (s.security() == SmtpSecurity.SMTPS) {
            p.setProperty("mail.smtps.ssl.enable", "true");
        }
        if (s.security() != SmtpSecurity.NONE) {
            p.setProperty("mail." + proto + ".ssl.checkserveridentity", "true");
        }
        return p;
    }

    @Override
    public String send(RenderedEmail email) throws DeliveryException {
        return send(email, () -> true);
    }

    /**
     * One SMTP transaction; {@code mayStartData} is asked after the server accepted the recipient and
     * before DATA, so that a request whose deadline passed while the server was slow is never committed.
     */
    @Override
    public String send(RenderedEmail email, BooleanSupplier mayStartData) throws DeliveryException {
        MimeMessage message = build(email);
        try {
            boolean reused = transport != null;
            CancellableSmtpTransport t = connected();
            try {
                return transaction(t, message, mayStartData);
            } catch (MessagingException e) {
                if (!reused || t.dataIssued || !connectionLost(e)) {
                    throw e;
                }
                // The server closed a kept-open connection (idle timeout, messages-per-connection limit) and the
                // transaction failed before DATA: nothing was sent, so it runs again at once on a new connection.
                closeQuietly();
                return transaction(connected(), message, mayStartData);
            }
        } catch (CancelledBeforeData e) {
            closeQuietly(); // abandons the transaction: without DATA nothing was sent
            throw DeliveryException.cancelled();
        } catch (AuthenticationFailedException e) {
            closeQuietly();
            // Wrong or missing credentials: no retry helps and the recipient is not at fault.
            throw new DeliveryException(
                    "authentication failed: " + e.getMessage(), Kind.RELAY_REJECTED, codeOf(e.getMessage()), e);
        } catch (MessagingException e) {
            closeQuietly();
            throw classified(e);
        }
    }

    private String transaction(CancellableSmtpTransport t, MimeMessage message, BooleanSupplier mayStartData)
            throws MessagingException {
        t.mayStartData = mayStartData;
        t.dataIssued = false;
        jakarta.mail.Address[] to = message.getAllRecipients();
        t.recipient = to != null && to.length == 1 && to[0] instanceof InternetAddress a ? a : null;
        t.sendMessage(message, to);
        lastUsedNanos = System.nanoTime();
        return t.getLastServerResponse().strip();
    }

    /** No SMTP reply at all (the connection is gone), or 421: the server is closing the connection. */
    private static boolean connectionLost(MessagingException e) {
        if (e instanceof CancelledBeforeData) {
            return false;
        }
        for (Exception x = e; x != null; x = x instanceof MessagingException m ? m.getNextException() : null) {
            if (x instanceof SMTPAddressFailedException a) {
                return a.getReturnCode() <= 0 || a.getReturnCode() == 421;
            }
            if (x instanceof SMTPSendFailedException s) {
                return s.getReturnCode() <= 0 || s.getReturnCode() == 421;
            }
        }
        return !(e instanceof jakarta.mail.SendFailedException);
    }

    /** Finds the SMTP reply in Jakarta Mail's exception chain and classifies it by the stage it answered. */
    private static DeliveryException classified(MessagingException e) {
        for (Exception x = e; x != null; x = x instanceof MessagingException m ? m.getNextException() : null) {
            if (x instanceof SMTPAddressFailedException a) {
                return reply(SmtpReplies.Stage.RCPT, a.getReturnCode(), a.getMessage(), e);
            }
            if (x instanceof SMTPSendFailedException s && s.getReturnCode() > 0) {
                return reply(SmtpReplies.stageOf(s.getCommand()), s.getReturnCode(), s.getMessage(), e);
            }
        }
        if (e instanceof jakarta.mail.SendFailedException) {
            return new DeliveryException("send failed: " + e.getMessage(), Kind.RELAY_REJECTED, -1, e);
        }
        return new DeliveryException(
                "SMTP error: " + e.getMessage(),
                Kind.TRANSIENT,
                codeOf(e.getMessage()) >= 400 ? codeOf(e.getMessage()) : -1,
                e);
    }

    private static DeliveryException reply(SmtpReplies.Stage stage, int code, String text, Exception cause) {
        Kind kind = SmtpReplies.classify(stage, code, text);
        String what = switch (kind) {
            case RECIPIENT_REJECTED -> "recipient rejected";
            case RELAY_REJECTED -> "relay rejected (" + stage.name().toLowerCase(java.util.Locale.ROOT) + ")";
            default -> "temporary failure";
        };
        return new DeliveryException(what + ": " + (text == null ? code : text.strip()), kind, code, cause);
    }

    private static int codeOf(String text) {
        if (text != null && text.length() >= 3 && text.substring(0, 3).chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(text.substring(0, 3));
        }
        return -1;
    }

    private CancellableSmtpTransport connected() throws MessagingException {
        // isConnected() costs a NOOP round trip: only for a connection that sat idle (the server may have
        // closed it); a busy connection that broke fails its next command and is replaced (send() closes it).
        if (transport != null
                && System.nanoTime() - lastUsedNanos > PROBE_AFTER_IDLE_NANOS
                && !transport.isConnected()) {
            closeQuietly();
        }
        if (transport == null) {
            closeQuietly();
            transport = new CancellableSmtpTransport(
                    session, settings.security() == SmtpSecurity.SMTPS, pipelining, settings.fromAddress());
            if (settings.authenticated()) {
                String password =
                        settings.password().isEmpty() ? System.getenv(SmtpSettings.PASSWORD_ENV) : settings.password();
                transport.connect(settings.host(), settings.port(), settings.username(), password);
            } else {
                transport.connect();
            }
        }
        return transport;
    }

    /** The message as it is sent (a preview writes it to an .eml file). */
    public MimeMessage build(RenderedEmail email) throws DeliveryException {
        if (writer == MimeWriter.COMMONS_EMAIL) {
            return buildWithCommonsEmail(email);
        }
        if (composer == null) {
            composer = new MimeComposer(settings.fromAddress(), settings.fromName());
        }
        try {
            MimeComposer.Composed c = composer.compose(email, espHeaders.headers(email), System.currentTimeMillis());
            return new ComposedMessage(session, c);
        } catch (IllegalArgumentException e) {
            throw new DeliveryException("cannot build message: " + e.getMessage(), false, -1, e);
        }
    }

    /** The message as Apache Commons Email builds it. */
    public MimeMessage buildWithCommonsEmail(RenderedEmail email) throws DeliveryException {
        try {
            HtmlEmail mail = new FixedIdHtmlEmail(email.messageId());
            mail.setMailSession(session);
            mail.setCharset(StandardCharsets.UTF_8.name());
            mail.setFrom(settings.fromAddress(), settings.fromName());
            mail.addTo(
                    email.toAddress(), email.toName() == null || email.toName().isBlank() ? null : email.toName());
            mail.setSubject(email.subject());
            mail.setHtmlMsg(email.html());
            mail.setTextMsg(email.text());
            mail.addHeader("List-Unsubscribe", email.listUnsubscribe());
            // RFC 8058: the https URI in List-Unsubscribe accepts a one-click POST.
            mail.addHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
            espHeaders.headers(email).forEach(mail::addHeader);
            mail.buildMimeMessage();
            return mail.getMimeMessage();
        } catch (EmailException e) {
            throw new DeliveryException("cannot build message: " + e.getMessage(), false, -1, e);
        }
    }

    private void closeQuietly() {
        if (transport != null) {
            try {
                transport.close();
            } catch (MessagingException ignored) {
                // the connection is being discarded anyway
            }
            transport = null;
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }

    /** Thrown from inside the transport when the request may no longer start DATA. */
    private static final class CancelledBeforeData extends MessagingException {
        private static final long serialVersionUID = 1L;
    }

    /**
     * The SMTP transport with one more check: right before DATA (or BDAT), after MAIL FROM and RCPT TO were
     * accepted, it asks whether the request may still be sent. This is the last moment at which abandoning
     * the transaction is certain to send nothing.
     */
    private static final class CancellableSmtpTransport extends SMTPTransport {
        private BooleanSupplier mayStartData = () -> true;
        /** Whether the current transaction reached DATA (or BDAT): from then on it may have been sent. */
        private boolean dataIssued;
        /** Whether to pipeline when the server offers it; the envelope of the next transaction. */
        private final boolean pipeliningAllowed;

        private final String envelopeFrom;
        private InternetAddress recipient;
        /** Commands sent whose replies are still to be read (pipelined MAIL FROM and RCPT TO), in order. */
        private String[] unanswered = new String[0];
        /** Whether the current transaction is pipelined (decided at MAIL FROM). */
        private boolean pipelinedNow;

        CancellableSmtpTransport(Session session, boolean ssl, boolean pipelining, String envelopeFrom) {
            super(
                    session,
                    new URLName(ssl ? "smtps" : "smtp", null, -1, null, null, null),
                    ssl ? "smtps" : "smtp",
                    ssl);
            this.pipeliningAllowed = pipelining;
            this.envelopeFrom = envelopeFrom;
        }

        /** RFC 2920 for the envelope: one recipient, ASCII addresses, a server that offers PIPELINING. */
        private boolean pipelined() {
            return pipeliningAllowed
                    && recipient != null
                    && ascii(envelopeFrom)
                    && ascii(recipient.getAddress())
                    && supportsExtension("PIPELINING");
        }

        private static boolean ascii(String s) {
            return s != null && s.chars().allMatch(c -> c > 32 && c < 127 && c != '<' && c != '>');
        }

        @Override
        protected void mailFrom() throws MessagingException {
            unanswered = new String[0];
            pipelinedNow = pipelined();
            if (!pipelinedNow) {
                super.mailFrom();
                return;
            }
            // sent now, its reply read when DATA is sent (two round trips per message instead of four)
            String mail = "MAIL FROM:<" + envelopeFrom + ">";
            super.sendCommand(mail);
            unanswered = new String[] {mail};
        }

        @Override
        protected void rcptTo() throws MessagingException {
            if (unanswered.length == 0) {
                super.rcptTo();
                return;
            }
            String rcpt = "RCPT TO:<" + recipient.getAddress() + ">";
            super.sendCommand(rcpt);
            unanswered = new String[] {unanswered[0], rcpt};
        }

        @Override
        protected void sendCommand(String cmd) throws MessagingException {
            super.sendCommand(cmd);
            if (unanswered.length == 2 && "DATA".equals(cmd)) {
                String[] pending = unanswered;
                unanswered = new String[0];
                int mail = readServerResponse();
                String mailReply = getLastServerResponse();
                int rcpt = readServerResponse();
                String rcptReply = getLastServerResponse();
                // the DATA reply is read by the caller; after a refusal here the connection is closed unread
                if (mail != 250) {
                    throw new SMTPSendFailedException(pending[0], mail, mailReply, null, null, null, null);
                }
                if (rcpt != 250 && rcpt != 251) {
                    throw new SMTPAddressFailedException(recipient, pending[1], rcpt, rcptReply);
                }
            }
        }

        @Override
        protected OutputStream data() throws MessagingException {
            if (!pipelinedNow) {
                if (!mayStartData.getAsBoolean()) {
                    throw new CancelledBeforeData();
                }
                dataIssued = true;
                return super.data();
            }
            OutputStream out = super.data(); // MAIL FROM and RCPT TO were accepted, DATA answered 354
            // Nothing of the message has been sent yet: abandoning here (the connection is closed without the
            // final ".") still sends nothing.
            if (!mayStartData.getAsBoolean()) {
                throw new CancelledBeforeData();
            }
            dataIssued = true;
            return out;
        }

        @Override
        protected OutputStream bdat() throws MessagingException {
            if (!mayStartData.getAsBoolean()) {
                throw new CancelledBeforeData();
            }
            dataIssued = true;
            return super.bdat();
        }
    }

    /**
     * A message that is {@link MimeComposer}'s bytes: written out as composed, without parsing its headers
     * back or re-encoding its parts (a quarter of the client's CPU when the headers were parsed). Only what
     * the transport needs is answered: the recipients and the size; to read it as a message, parse what
     * {@link #writeTo} writes.
     */
    private static final class ComposedMessage extends MimeMessage {
        private final byte[] bytes;
        private final jakarta.mail.Address[] recipients;

        ComposedMessage(Session session, MimeComposer.Composed c) {
            super(session);
            this.bytes = c.bytes();
            this.recipients = new jakarta.mail.Address[] {c.recipient()};
        }

        @Override
        public jakarta.mail.Address[] getAllRecipients() {
            return recipients.clone();
        }

        @Override
        public int getSize() {
            return bytes.length;
        }

        @Override
        public void saveChanges() {
            // composed once, never changed
        }

        @Override
        public void writeTo(OutputStream os) throws java.io.IOException {
            os.write(bytes);
        }

        @Override
        public void writeTo(OutputStream os, String[] ignoreList) throws java.io.IOException {
            os.write(bytes); // the composed message has no Bcc or Content-Length header to leave out
        }
    }

    /** Commons Email subclass whose message keeps the Message-ID we derived instead of a random one. */
    private static final class FixedIdHtmlEmail extends HtmlEmail {
        private final String messageId;

        FixedIdHtmlEmail(String messageId) {
            this.messageId = messageId;
        }

        @Override
        protected MimeMessage createMimeMessage(Session session) {
            return new MimeMessage(session) {
                @Override
                protected void updateMessageID() throws MessagingException {
                    setHeader("Message-ID", messageId);
                }
            };
        }
    }
}
