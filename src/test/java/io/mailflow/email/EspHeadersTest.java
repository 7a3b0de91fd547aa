package io.mailflow.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.delivery.SmtpMailClient;
import io.mailflow.delivery.SmtpSecurity;
import io.mailflow.delivery.SmtpSettings;
import io.mailflow.io.Json;
import io.mailflow.model.RenderedEmail;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The ids a composed e-mail carries to SendGrid and SES, written as the MIME message that goes to the relay: the
 * composer's output built by the real SMTP client's message builder.
 */
class EspHeadersTest {
    private static final SmtpSettings SMTP =
            new SmtpSettings("localhost", 25, SmtpSecurity.NONE, "", "", 1000, "shop@mailflow.test", "Shop");

    private static RenderedEmail composed() throws Exception {
        return EmailComposerTest.composer(false)
                .compose(TemplateRendererTest.request("abandoned-cart", "Ann", "en"), 1_000);
    }

    private static MimeMessage built(RenderedEmail e, EspHeaders esp) throws Exception {
        // the message exactly as it goes on the wire, read back
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SmtpMailClient(SMTP, esp).build(e).writeTo(out);
        return new MimeMessage(
                jakarta.mail.Session.getInstance(new java.util.Properties()),
                new java.io.ByteArrayInputStream(out.toByteArray()));
    }

    private static String raw(MimeMessage m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void sendGridUniqueArgsCarryEveryIdOfTheComposedEmail() throws Exception {
        MimeMessage m = built(composed(), new EspHeaders(EspHeaders.Mode.SENDGRID, ""));
        String[] h = m.getHeader(EspHeaders.SMTPAPI);
        assertThat(h).hasSize(1);
        JsonNode args = Json.mapper().readTree(h[0]).path("unique_args");
        assertThat(args.path("mailflow_user").asText()).isEqualTo("u1");
        assertThat(args.path("mailflow_campaign").asText()).isEqualTo("abandoned-cart");
        assertThat(args.path("mailflow_request").asText()).isEqualTo("req-1");
        assertThat(args.path("mailflow_message").asText()).isEqualTo("req-1@mailflow.test");
        assertThat(args.path("mailflow_variant").asText()).isEqualTo("default");
        assertThat(m.getHeader(EspHeaders.SES_TAGS)).isNull();
        assertThat(h[0]).doesNotContain("u1@example.com");
    }

    @Test
    void sesMessageTagsAndConfigurationSet() throws Exception {
        MimeMessage m = built(composed(), new EspHeaders(EspHeaders.Mode.SES, "mailflow-events"));
        // long headers are folded at their spaces on the wire; unfolded they are what SES parses
        assertThat(MimeUtility.unfold(m.getHeader(EspHeaders.SES_TAGS, null)))
                .isEqualTo("mailflow_user=u1, mailflow_campaign=abandoned-cart, mailflow_request=req-1,"
                        + " mailflow_message=req-1@mailflow.test, mailflow_variant=default");
        assertThat(m.getHeader(EspHeaders.SES_CONFIGURATION_SET, null)).isEqualTo("mailflow-events");
        assertThat(m.getHeader(EspHeaders.SMTPAPI)).isNull();
    }

    @Test
    void bothOrNone() throws Exception {
        MimeMessage both = built(composed(), new EspHeaders(EspHeaders.Mode.BOTH, ""));
        assertThat(both.getHeader(EspHeaders.SMTPAPI)).hasSize(1);
        assertThat(both.getHeader(EspHeaders.SES_TAGS)).hasSize(1);
        assertThat(both.getHeader(EspHeaders.SES_CONFIGURATION_SET)).isNull();
        String none = raw(built(composed(), EspHeaders.none()));
        assertThat(none).doesNotContain("X-SMTPAPI").doesNotContain("X-SES-");
    }

    @Test
    void unsafeOrOverlongValuesAndTheAddressAreLeftOut() throws Exception {
        RenderedEmail c = composed();
        String longVariant = "v".repeat(EspHeaders.MAX_VALUE + 1);
        // a user id outside SES's alphabet, and one that is the recipient's own address
        RenderedEmail odd = new RenderedEmail(
                c.requestId(),
                c.messageId(),
                "camp/1",
                longVariant,
                "u 1,x=y",
                c.toAddress(),
                c.toName(),
                c.subject(),
                c.html(),
                c.text(),
                c.listUnsubscribe(),
                c.triggeredAt());
        RenderedEmail addressAsId = new RenderedEmail(
                c.requestId(),
                c.messageId(),
                c.campaignId(),
                c.variant(),
                c.toAddress(),
                c.toAddress(),
                c.toName(),
                c.subject(),
                c.html(),
                c.text(),
                c.listUnsubscribe(),
                c.triggeredAt());
        EspHeaders both = new EspHeaders(EspHeaders.Mode.BOTH, "");
        assertThat(EspHeaders.ids(odd)).containsOnlyKeys("mailflow_request", "mailflow_message");
        assertThat(both.headers(odd).get(EspHeaders.SES_TAGS))
                .isEqualTo("mailflow_request=req-1, mailflow_message=req-1@mailflow.test");
        assertThat(EspHeaders.ids(addressAsId)).doesNotContainKey("mailflow_user");
        assertThat(both.headers(addressAsId).values())
                .allSatisfy(v -> assertThat(v).doesNotContain("u1@example.com"));
        assertThatThrownBy(() -> new EspHeaders(EspHeaders.Mode.SES, "bad set!"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
