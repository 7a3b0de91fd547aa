package io.mailflow.delivery;

import io.mailflow.delivery.DeliveryException.Kind;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an SMTP reply means for the request and the recipient (RFC 5321 reply codes, RFC 3463 enhanced
 * status codes). Only a rejection of the recipient is a bounce: at RCPT TO (or a mailbox status at the end
 * of DATA), an enhanced code 5.1.x (bad address) or 5.2.x (mailbox status), or without an enhanced code a
 * plain 550/551/552/553 whose text is not about relaying or authentication. Everything else permanent is a
 * relay problem: 530/535 authentication, 5.7.x policy (relaying denied, blocked client, content rejected),
 * 5.3.x/5.6.x message problems, a rejected sender at MAIL FROM. Those fail the request but say nothing about
 * the recipient, so suppressing the recipient would turn one relay misconfiguration into a lost audience.
 */
final class SmtpReplies {
    /** Where in the transaction the reply was given. */
    enum Stage {
        CONNECT,
        MAIL,
        RCPT,
        DATA
    }

    private static final Pattern ENHANCED = Pattern.compile("^\\d{3}[ -]([245])\\.(\\d{1,3})\\.(\\d{1,3})\\b");
    private static final Pattern RELAY_WORDS =
            Pattern.compile("relay|auth|access denied|not permitted|policy|blocked|spam");

    private SmtpReplies() {}

    static Kind classify(Stage stage, int code, String reply) {
        if (code < 500 || code >= 600) {
            return Kind.TRANSIENT; // 4xx, or no reply at all (connection errors): worth another try
        }
        String text = reply == null ? "" : reply.strip();
        Matcher enhanced = ENHANCED.matcher(text);
        if (enhanced.find()) {
            int subject = Integer.parseInt(enhanced.group(2));
            boolean recipientSubject = subject == 1 || subject == 2;
            boolean bounce = (stage == Stage.RCPT && recipientSubject) || (stage == Stage.DATA && subject == 2);
            return bounce ? Kind.RECIPIENT_REJECTED : Kind.RELAY_REJECTED;
        }
        boolean plainMailboxCode = code == 550 || code == 551 || code == 552 || code == 553;
        boolean aboutTheRelay =
                RELAY_WORDS.matcher(text.toLowerCase(Locale.ROOT)).find();
        return stage == Stage.RCPT && plainMailboxCode && !aboutTheRelay
                ? Kind.RECIPIENT_REJECTED
                : Kind.RELAY_REJECTED;
    }

    /** The stage of a command as Jakarta Mail reports it ("MAIL FROM:&lt;...&gt;", "RCPT TO:...", "DATA", "."). */
    static Stage stageOf(String command) {
        String c = command == null ? "" : command.strip().toUpperCase(Locale.ROOT);
        if (c.startsWith("RCPT")) {
            return Stage.RCPT;
        }
        if (c.startsWith("MAIL")) {
            return Stage.MAIL;
        }
        if (c.startsWith("DATA") || c.startsWith(".") || c.startsWith("BDAT")) {
            return Stage.DATA;
        }
        return Stage.CONNECT;
    }
}
