package io.mailflow.delivery;

import io.mailflow.model.RenderedEmail;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.commons.mail2.core.EmailException;
import org.apache.commons.mail2.jakarta.HtmlEmail;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Sends through SMTP with Commons Email building the MIME message, over one connection that stays
 * open between messages (opening a connection per message costs a TCP and SMTP handshake each time).
 * A broken connection is closed and reopened on the next send.
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

    private final SmtpSettings settings;
    private final Session session;
    private Transport transport;

    public SmtpMailClient(SmtpSettings settings) {
        this.settings = settings;
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
        MimeMessage message = build(email);
        try {
            Transport t = connected();
            t.sendMessage(message, message.getAllRecipients());
            return t instanceof SMTPTransport smtp ? smtp.getLastServerResponse().strip() : "250 OK";
        } catch (SMTPAddressFailedException e) {
            closeQuietly();
            throw classified("recipient rejected: " + e.getReturnCode(), e.getReturnCode(), e);
        } catch (SMTPSendFailedException e) {
            closeQuietly();
            throw classified("send failed: " + e.getReturnCode(), e.getReturnCode(), e);
        } catch (jakarta.mail.SendFailedException e) {
            closeQuietly();
            int code = rootCode(e);
            throw classified("send failed: " + (code > 0 ? code : e.getClass().getSimpleName()), code, e);
        } catch (MessagingException e) {
            closeQuietly();
            throw new DeliveryException("SMTP error: " + e.getMessage(), true, -1, e);
        }
    }

    private static int rootCode(Exception e) {
        Exception next = e instanceof MessagingException m ? m.getNextException() : null;
        if (next instanceof SMTPAddressFailedException a) {
            return a.getReturnCode();
        }
        if (next instanceof SMTPSendFailedException s) {
            return s.getReturnCode();
        }
        return -1;
    }

    private static DeliveryException classified(String message, int code, Exception cause) {
        boolean permanent = code >= 500 && code < 600;
        return new DeliveryException(message, !permanent, code, cause);
    }

    private Transport connected() throws MessagingException {
        if (transport == null || !transport.isConnected()) {
            closeQuietly();
            transport = session.getTransport();
            if (settings.authenticated()) {
                String password = settings.password().isEmpty()
                        ? System.getenv(SmtpSettings.PASSWORD_ENV) : settings.password();
                transport.connect(settings.host(), settings.port(), settings.username(), password);
            } else {
                transport.connect();
            }
        }
        return transport;
    }

    public MimeMessage build(RenderedEmail email) throws DeliveryException {
        try {
            HtmlEmail mail = new FixedIdHtmlEmail(email.messageId());
            mail.setMailSession(session);
            mail.setCharset(StandardCharsets.UTF_8.name());
            mail.setFrom(settings.fromAddress(), settings.fromName());
            mail.addTo(email.toAddress(), email.toName() == null || email.toName().isBlank() ? null : email.toName());
            mail.setSubject(email.subject());
            mail.setHtmlMsg(email.html());
            mail.setTextMsg(email.text());
            mail.addHeader("List-Unsubscribe", email.listUnsubscribe());
            // RFC 8058: the https URI in List-Unsubscribe accepts a one-click POST.
            mail.addHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
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
