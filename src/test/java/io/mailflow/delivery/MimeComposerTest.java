package io.mailflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.email.EspHeaders;
import io.mailflow.model.RenderedEmail;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link MimeComposer} against Apache Commons Email: both messages, written out and parsed back by Jakarta Mail,
 * carry the same headers and the same decoded text and HTML; the quoted-printable encoder round-trips any text
 * and keeps every line within RFC 2045's 76 characters.
 */
class MimeComposerTest {
    private static final SmtpSettings SMTP = new SmtpSettings(
            "127.0.0.1", 25, SmtpSecurity.NONE, "", "", 1000, "shop@mailflow.local", "Mailflow Shop — Ünïcode");
    private static final EspHeaders ESP = new EspHeaders(EspHeaders.Mode.BOTH, "mf-set");
    private static final Session SESSION = Session.getInstance(new Properties());

    private static RenderedEmail email(String name, String subject, String html, String text, String to) {
        return new RenderedEmail(
                "req-1",
                "<req-1@mailflow.local>",
                "abandoned-cart",
                "B",
                "u-1",
                to,
                name,
                subject,
                html,
                text,
                "<https://shop.example.com/mf/unsubscribe?t=abc>, <mailto:unsubscribe@shop.example.com>",
                1_700_000_000_000L);
    }

    private static final List<RenderedEmail> CASES = List.of(
            email("Ann", "Ann, you left 1 item in your cart", "<p>Hi Ann</p>", "Hi Ann", "ann@example.com"),
            email(
                    "王小明",
                    "王小明，您的购物车里还有 2 件商品 — 限时 9 折",
                    "<html><body><p>您好 王小明，</p>\n<p>越野跑鞋 ¥59.90</p></body></html>",
                    "您好 王小明，\n越野跑鞋 ¥59.90\n",
                    "wang@example.com"),
            email(
                    "O'Brien, \"Jo\"",
                    "x".repeat(300) + " with a very long subject that must be folded " + "y".repeat(120),
                    "<p>" + "a=b ".repeat(200) + "</p>\n.\n.leading dot\ntrailing space   \n\ttab\t\r\nend",
                    "line with = sign and trailing tab\t\n" + "z".repeat(500) + "\r\n\r\n.",
                    "jo@example.com"),
            email(null, "Café", "<p>Café</p>", "Café", "user@bücher.example"));

    @Test
    void sameHeadersAndPartsAsCommonsEmail() throws Exception {
        SmtpMailClient mailflow = new SmtpMailClient(SMTP, ESP, SmtpMailClient.MimeWriter.MAILFLOW);
        SmtpMailClient commons = new SmtpMailClient(SMTP, ESP, SmtpMailClient.MimeWriter.COMMONS_EMAIL);
        for (RenderedEmail e : CASES) {
            MimeMessage ours = reparse(mailflow.build(e));
            MimeMessage theirs = reparse(commons.build(e));
            for (String h : List.of(
                    "From",
                    "To",
                    "Message-ID",
                    "List-Unsubscribe",
                    "List-Unsubscribe-Post",
                    EspHeaders.SMTPAPI,
                    EspHeaders.SES_TAGS,
                    EspHeaders.SES_CONFIGURATION_SET)) {
                assertThat(decoded(ours.getHeader(h, ", ")))
                        .as(h + " of " + e.subject())
                        .isEqualTo(decoded(theirs.getHeader(h, ", ")));
            }
            assertThat(ours.getSubject()).isEqualTo(theirs.getSubject()).isEqualTo(e.subject());
            assertThat(ours.getAllRecipients()).containsExactly(theirs.getAllRecipients());
            assertThat(ours.getFrom()).containsExactly(theirs.getFrom());
            assertThat(ours.getSentDate()).isNotNull();
            assertThat(part(ours, "text/plain")).isEqualTo(part(theirs, "text/plain"));
            assertThat(part(ours, "text/html")).isEqualTo(part(theirs, "text/html"));
            assertThat(part(ours, "text/html")).isEqualTo(lines(e.html()));
        }
    }

    @Test
    void idnDomainIsWrittenInAscii() throws Exception {
        MimeMessage m = reparse(new SmtpMailClient(SMTP).build(CASES.get(3)));
        assertThat(m.getAllRecipients()[0].toString()).isEqualTo("user@xn--bcher-kva.example");
    }

    @Test
    void headerInjectionAndBadAddressesAreRefused() {
        SmtpMailClient client = new SmtpMailClient(SMTP);
        assertThatThrownBy(() -> client.build(email("Ann", "hi\r\nBcc: x@evil.example", "", "", "a@example.com")))
                .isInstanceOf(DeliveryException.class)
                .hasMessageContaining("header injection blocked");
        assertThatThrownBy(() -> client.build(email("Ann\nBcc: x@evil.example", "hi", "", "", "a@example.com")))
                .isInstanceOf(DeliveryException.class)
                .hasMessageContaining("header injection blocked");
        for (String bad : List.of("", "no-at-sign", "a@b@c", "spaces in@example.com", "a@example.com, b@example.com")) {
            assertThatThrownBy(() -> client.build(email("Ann", "hi", "", "", bad)))
                    .as(bad)
                    .isInstanceOf(DeliveryException.class)
                    .hasMessageContaining("cannot build message");
        }
    }

    @Test
    void quotedPrintableRoundTripsAndKeepsLinesShort() throws Exception {
        Random r = new Random(18);
        String alphabet = "abc =\t.\r\n é中😀~";
        MimeComposer composer = new MimeComposer("a@example.com", null);
        for (int n = 0; n < 2_000; n++) {
            StringBuilder s = new StringBuilder();
            int length = r.nextInt(400);
            for (int i = 0; i < length; i++) {
                s.appendCodePoint(alphabet.codePointAt(
                        alphabet.offsetByCodePoints(0, r.nextInt(alphabet.codePointCount(0, alphabet.length())))));
            }
            composer.reset();
            composer.quotedPrintable(s.toString());
            String encoded = composer.written();
            for (String line : encoded.split("\r\n", -1)) {
                assertThat(line.length()).as(encoded).isLessThanOrEqualTo(76);
                assertThat(line)
                        .doesNotEndWith(" ")
                        .doesNotEndWith("\t")
                        .doesNotContain("\r")
                        .doesNotContain("\n");
            }
            assertThat(encoded).doesNotContain("=_");
            byte[] decoded = MimeUtility.decode(
                            new ByteArrayInputStream(encoded.getBytes(StandardCharsets.US_ASCII)), "quoted-printable")
                    .readAllBytes();
            assertThat(new String(decoded, StandardCharsets.UTF_8))
                    .isEqualTo(lines(s.toString()).replace("\n", "\r\n"));
        }
    }

    @Test
    void composedMessageIsOneMultipartAlternative() throws Exception {
        MimeMessage m = reparse(new SmtpMailClient(SMTP).build(CASES.get(1)));
        assertThat(m.getContentType()).startsWith("multipart/alternative");
        assertThat(((Multipart) m.getContent()).getCount()).isEqualTo(2);
    }

    private static MimeMessage reparse(MimeMessage m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return new MimeMessage(SESSION, new ByteArrayInputStream(out.toByteArray()));
    }

    private static String decoded(String header) throws Exception {
        return header == null ? null : MimeUtility.decodeText(MimeUtility.unfold(header));
    }

    /** The decoded content of the first part of the given type, anywhere in the message. */
    private static String part(MimeMessage m, String type) throws Exception {
        List<BodyPart> parts = new ArrayList<>();
        collect((Multipart) m.getContent(), parts);
        for (BodyPart p : parts) {
            if (p.isMimeType(type)) {
                return lines((String) p.getContent());
            }
        }
        throw new AssertionError("no " + type + " part");
    }

    private static void collect(Multipart mp, List<BodyPart> into) throws Exception {
        for (int i = 0; i < mp.getCount(); i++) {
            BodyPart p = mp.getBodyPart(i);
            if (p.getContent() instanceof Multipart inner) {
                collect(inner, into);
            } else {
                into.add(p);
            }
        }
    }

    /** Line breaks as one form: both writers send CRLF, whatever the rendered text used. */
    private static String lines(String s) {
        return s.replace("\r\n", "\n").replace('\r', '\n');
    }
}
