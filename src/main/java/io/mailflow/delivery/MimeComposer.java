package io.mailflow.delivery;

import io.mailflow.email.HeaderValues;
import io.mailflow.model.RenderedEmail;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeUtility;
import java.io.UnsupportedEncodingException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a rendered e-mail as RFC 5322 / MIME bytes in one pass: the headers, then a
 * {@code multipart/alternative} body with the text and the HTML part, each UTF-8 in quoted-printable.
 *
 * <p>Why not build a Jakarta Mail message part by part (as Commons Email does): a profile of the sender
 * (docs/benchmarks.md, issue 18) spent about two thirds of its CPU in that machinery, not in SMTP: a
 * data-content-handler lookup, a new {@code OutputStreamWriter} with an 8 KiB buffer and a scan of the whole
 * content to choose an encoding, for each part, then content types parsed back from strings, all on every
 * message. The structure of Mailflow's e-mails is fixed (one text and one HTML alternative, known
 * headers), so this writes exactly that and nothing else. The result is checked against Commons Email's
 * message in {@code MimeComposerTest} (same headers, same decoded parts, parsed by Jakarta Mail).
 *
 * <p>Header values pass {@link HeaderValues} (no CR, LF or NUL: header injection), non-ASCII subjects and
 * display names become RFC 2047 encoded words, the recipient's domain is converted to ASCII (IDNA) and the
 * address is validated as Commons Email does. One instance per thread: it reuses its buffer and its date
 * formatter, neither of which is thread-safe.
 */
public final class MimeComposer {
    /** RFC 2045: encoded lines at most 76 characters, the soft break's {@code =} included. */
    private static final int QP_LINE = 76;

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private final String fromHeader;
    private final MailDateFormat dates = new MailDateFormat();
    private long dateSecond = Long.MIN_VALUE;
    private String dateHeader = "";
    private byte[] buf = new byte[16 * 1024];
    private int len;

    /** The composed message and its envelope recipient. */
    public record Composed(byte[] bytes, InternetAddress recipient) {}

    public MimeComposer(String fromAddress, String fromName) {
        try {
            InternetAddress from = address(fromAddress, fromName);
            this.fromHeader = MimeUtility.fold(6, from.toString());
        } catch (AddressException | UnsupportedEncodingException e) {
            throw new IllegalArgumentException("invalid sender address: " + e.getMessage(), e);
        }
    }

    /**
     * @param extraHeaders further headers (mail provider ids), in order
     * @param now the Date header's instant, epoch milliseconds
     * @throws IllegalArgumentException for an invalid recipient address or a header value with a line break
     */
    public Composed compose(RenderedEmail email, Map<String, String> extraHeaders, long now) {
        InternetAddress to;
        try {
            String name = email.toName() == null || email.toName().isBlank() ? null : email.toName();
            to = address(email.toAddress(), HeaderValues.require("To", name));
        } catch (AddressException | UnsupportedEncodingException e) {
            throw new IllegalArgumentException("invalid recipient address: " + e.getMessage(), e);
        }
        len = 0;
        header("Date", date(now));
        header("From", fromHeader);
        header("To", MimeUtility.fold(4, to.toString()));
        header("Message-ID", HeaderValues.require("Message-ID", email.messageId()));
        header("Subject", subject(HeaderValues.require("Subject", email.subject())));
        header("MIME-Version", "1.0");
        if (email.listUnsubscribe() != null && !email.listUnsubscribe().isEmpty()) {
            header("List-Unsubscribe", HeaderValues.require("List-Unsubscribe", email.listUnsubscribe()));
            // RFC 8058: the https URI in List-Unsubscribe accepts a one-click POST.
            header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        for (Map.Entry<String, String> h : extraHeaders.entrySet()) {
            header(h.getKey(), HeaderValues.require(h.getKey(), h.getValue()));
        }
        // A quoted-printable body never contains "=_" (an "=" is always followed by two hex digits or a line
        // break), so a boundary with "=_" in it cannot occur inside a part.
        String boundary = "=_mf_" + Long.toHexString(ThreadLocalRandom.current().nextLong() | 1L << 63);
        header("Content-Type", "multipart/alternative; boundary=\"" + boundary + "\"");
        ascii("\r\n");
        part(boundary, "text/plain", email.text());
        part(boundary, "text/html", email.html());
        ascii("--" + boundary + "--\r\n");
        return new Composed(Arrays.copyOf(buf, len), to);
    }

    /** As Commons Email: the domain converted to ASCII (IDNA), the personal name UTF-8, strict validation. */
    private static InternetAddress address(String address, String name)
            throws AddressException, UnsupportedEncodingException {
        if (address == null || address.isBlank()) {
            throw new AddressException("empty address");
        }
        int at = address.lastIndexOf('@');
        String ascii = at < 0 ? address : address.substring(0, at + 1) + IDN.toASCII(address.substring(at + 1));
        InternetAddress a = new InternetAddress(ascii);
        if (name != null) {
            a.setPersonal(name, StandardCharsets.UTF_8.name());
        }
        a.validate();
        return a;
    }

    private String date(long now) {
        long second = Math.floorDiv(now, 1000);
        if (second != dateSecond) {
            dateSecond = second;
            dateHeader = dates.format(new Date(second * 1000));
        }
        return dateHeader;
    }

    private static String subject(String subject) {
        if (subject == null) {
            return "";
        }
        try {
            return MimeUtility.fold(9, MimeUtility.encodeText(subject, StandardCharsets.UTF_8.name(), null));
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e); // UTF-8 is always supported
        }
    }

    private void part(String boundary, String type, String content) {
        ascii("--" + boundary + "\r\n");
        ascii("Content-Type: " + type + "; charset=UTF-8\r\n");
        ascii("Content-Transfer-Encoding: quoted-printable\r\n\r\n");
        quotedPrintable(content == null ? "" : content);
        ascii("\r\n");
    }

    private void header(String name, String value) {
        ascii(name);
        ascii(": ");
        ascii(value);
        ascii("\r\n");
    }

    /** Writes a string known to be ASCII (header values are encoded words or ASCII by then). */
    private void ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    /**
     * RFC 2045 section 6.7 over the UTF-8 bytes: printable ASCII except {@code =} as is, everything else as
     * {@code =XX}, whitespace before a line break encoded, lines broken softly before 76 characters, and any
     * line break of the input (CRLF, LF or CR) written as a CRLF hard break.
     */
    void quotedPrintable(String content) {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        ensure(b.length * 4 + 8); // at most 3 per byte, plus a 3-byte soft break per 25 bytes
        int col = 0;
        for (int i = 0; i < b.length; i++) {
            int c = b[i] & 0xff;
            if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < b.length && b[i + 1] == '\n') {
                    i++;
                }
                buf[len++] = '\r';
                buf[len++] = '\n';
                col = 0;
                continue;
            }
            boolean lineEnds = i + 1 == b.length || b[i + 1] == '\r' || b[i + 1] == '\n';
            boolean literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !lineEnds);
            int width = literal ? 1 : 3;
            // leave room for the soft break's "=" unless this is the line's last character
            if (col + width > (lineEnds ? QP_LINE : QP_LINE - 1)) {
                buf[len++] = '=';
                buf[len++] = '\r';
                buf[len++] = '\n';
                col = 0;
            }
            if (literal) {
                buf[len++] = (byte) c;
            } else {
                buf[len++] = '=';
                buf[len++] = HEX[c >> 4];
                buf[len++] = HEX[c & 0xf];
            }
            col += width;
        }
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    /** The bytes written by the last {@link #quotedPrintable} (for tests). */
    String written() {
        return new String(buf, 0, len, StandardCharsets.US_ASCII);
    }

    void reset() {
        len = 0;
    }
}
