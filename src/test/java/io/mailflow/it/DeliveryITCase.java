package io.mailflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.delivery.MailClient;
import io.mailflow.delivery.MailClientFactory;
import io.mailflow.delivery.SmtpMailClient;
import io.mailflow.delivery.SmtpSettings;
import io.mailflow.email.EmailComposer;
import io.mailflow.email.Keyring;
import io.mailflow.email.SignedTokens;
import io.mailflow.job.MailflowJob;
import io.mailflow.job.MailflowTopology;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.PipelineFixture;
import io.mailflow.testing.RejectingSmtpServer;
import io.mailflow.testing.Scenario;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Delivery against real SMTP servers: content and headers, outages, rejections, injection attempts. */
class DeliveryITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    private static GreenMail greenMail(int port) {
        GreenMail g = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        g.start();
        return g;
    }

    @Test
    void multipartWithEncodedChineseNameAndSubjectAndEveryHeader() throws Exception {
        GreenMail smtp = greenMail(0);
        try {
            PipelineFixture f = PipelineFixture.create(
                    KAFKA.broker(), "content", smtp.getSmtp().getPort());
            new Scenario().abandoner("chen", "chen@example.org", "陈小明", "zh-CN").publish(KAFKA.broker(), f.config());
            run(f.config());

            awaitMessages(smtp, 1);
            MimeMessage m = smtp.getReceivedMessages()[0];
            assertThat(smtp.getReceivedMessages()).hasSize(1);
            InternetAddress to = (InternetAddress) m.getRecipients(MimeMessage.RecipientType.TO)[0];
            assertThat(to.getPersonal()).isEqualTo("陈小明");
            assertThat(m.getHeader("To")[0]).startsWith("=?UTF-8?").doesNotContain("陈");
            assertThat(m.getSubject()).isEqualTo("陈小明，您的购物车里还有 1 件商品");
            assertThat(m.getHeader("Subject")[0]).startsWith("=?UTF-8?");

            assertThat(m.getContentType()).startsWith("multipart/alternative");
            Multipart parts = (Multipart) m.getContent();
            assertThat(parts.getCount()).isEqualTo(2);
            assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain; charset=UTF-8");
            assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html; charset=UTF-8");
            assertThat((String) parts.getBodyPart(0).getContent())
                    .contains("sku-chen")
                    .contains("退订");

            assertThat(m.getMessageID()).matches("<[0-9a-f]{32}@mailflow\\.local>");
            assertThat(m.getHeader("List-Unsubscribe-Post")[0]).isEqualTo("List-Unsubscribe=One-Click");
            String listUnsubscribe = m.getHeader("List-Unsubscribe")[0].replaceAll("\\s+", "");
            assertThat(listUnsubscribe)
                    .matches(
                            "<mailto:unsubscribe@mailflow\\.local\\?subject=unsubscribe%20[^>]+>,<https://[^>]+/unsubscribe\\?t=[^>]+>");

            String token = listUnsubscribe.replaceAll(".*\\?t=([^>]+)>$", "$1");
            SignedTokens tokens =
                    new SignedTokens(Keyring.of(EmailComposer.DEFAULT_LINK_KEY_ID, PipelineFixture.LINK_SECRET));
            long now = System.currentTimeMillis() / 1000;
            SignedTokens.Verification valid = tokens.verify(token, SignedTokens.Kind.UNSUBSCRIBE, now);
            assertThat(valid.status()).isEqualTo(SignedTokens.Status.VALID);
            assertThat(valid.claims().userId()).isEqualTo("chen");
            assertThat(valid.claims().campaignId()).isEqualTo("abandoned-cart");
            int macStart = token.lastIndexOf('.') + 1;
            char c = token.charAt(macStart);
            String forged = token.substring(0, macStart) + (c == 'A' ? 'B' : 'A') + token.substring(macStart + 1);
            assertThat(tokens.verify(forged, SignedTokens.Kind.UNSUBSCRIBE, now).status())
                    .isEqualTo(SignedTokens.Status.FORGED);
            assertThat(tokens.verify(token, SignedTokens.Kind.UNSUBSCRIBE, now + 61L * 86_400)
                            .status())
                    .isEqualTo(SignedTokens.Status.EXPIRED);
        } finally {
            smtp.stop();
        }
    }

    @Test
    void serverDownThenBackDeliversEverythingOnce() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        PipelineFixture f = PipelineFixture.create(
                KAFKA.broker(),
                "outage",
                port,
                "delivery.max-attempts",
                "30",
                "delivery.retry-base",
                "50ms",
                "delivery.retry-max",
                "500ms");
        Scenario scenario = new Scenario().abandoners(12, "o");
        scenario.publish(KAFKA.broker(), f.config());

        CountingClients.reset();
        StreamExecutionEnvironment env = FlinkTestEnv.env();
        MailflowTopology.build(
                env,
                f.config(),
                MailflowJob.kafkaSources(f.config()),
                MailflowJob.kafkaSinks(f.config()),
                new MailflowTopology.Delivery(
                        new CountingClients(io.mailflow.job.PipelineSettings.smtp(f.config())),
                        MailflowJob.ledger(f.config())));
        JobClient job = env.executeAsync("outage");
        GreenMail smtp = null;
        try {
            assertThat(CountingClients.firstFailure.await(60, TimeUnit.SECONDS))
                    .as("a send failed while the server was down")
                    .isTrue();
            smtp = greenMail(port);
            job.getJobExecutionResult().get(120, TimeUnit.SECONDS);
            awaitMessages(smtp, scenario.users());

            List<String> ids = Arrays.stream(smtp.getReceivedMessages())
                    .map(DeliveryITCase::messageId)
                    .toList();
            assertThat(ids).hasSize(scenario.users()).doesNotHaveDuplicates();
            List<JsonNode> results = f.read(MailflowOptions.TOPIC_SEND_RESULTS);
            assertThat(results)
                    .hasSize(scenario.users())
                    .allSatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("SENT"));
            assertThat(results)
                    .anySatisfy(r -> assertThat(r.get("attempts").asInt()).isGreaterThan(1));
            List<JsonNode> audit = f.read(MailflowOptions.TOPIC_DELIVERY_AUDIT);
            assertThat(audit)
                    .anySatisfy(a -> assertThat(a.get("outcome").asText()).isEqualTo("TRANSIENT_FAILURE"));
            assertThat(audit.stream().filter(a -> a.get("outcome").asText().equals("ACCEPTED")))
                    .hasSize(scenario.users());
        } finally {
            if (smtp != null) {
                smtp.stop();
            }
        }
    }

    @Test
    void permanentRejectionIsDeadLetteredAndSuppressesTheUser() throws Exception {
        try (RejectingSmtpServer smtp = new RejectingSmtpServer("bounce")) {
            PipelineFixture f = PipelineFixture.create(KAFKA.broker(), "reject", smtp.port());
            new Scenario()
                    .abandoner("bouncer", "bounce@example.com", "B", "en")
                    .abandoner("fine", "fine@example.com", "F", "en")
                    .publish(KAFKA.broker(), f.config());
            run(f.config());

            assertThat(smtp.accepted()).containsExactly("fine@example.com");
            JsonNode bounced = f.read(MailflowOptions.TOPIC_SEND_RESULTS).stream()
                    .filter(r -> r.get("userId").asText().equals("bouncer"))
                    .findFirst()
                    .orElseThrow();
            assertThat(bounced.get("status").asText()).isEqualTo("FAILED_PERMANENT");
            assertThat(bounced.get("attempts").asInt()).isEqualTo(1);
            assertThat(bounced.get("smtpCode").asInt()).isEqualTo(550);
            assertThat(f.read(MailflowOptions.TOPIC_DEAD_LETTERS))
                    .anySatisfy(d -> assertThat(d.get("reason").asText())
                            .startsWith("FAILED_PERMANENT after 1 attempt(s)")
                            .contains("550"));
            assertThat(f.read(MailflowOptions.TOPIC_SUPPRESSIONS))
                    .singleElement()
                    .satisfies(s -> {
                        assertThat(s.get("userId").asText()).isEqualTo("bouncer");
                        assertThat(s.get("reason").asText()).isEqualTo("BOUNCED");
                    });

            // The suppression is read back: the next job run does not try the bounced user again.
            new Scenario().abandoner("bouncer", "bounce@example.com", "B", "en").publish(KAFKA.broker(), f.config());
            run(f.config());
            assertThat(smtp.accepted()).containsExactly("fine@example.com");
            assertThat(f.read(MailflowOptions.TOPIC_DEAD_LETTERS))
                    .anySatisfy(d ->
                            assertThat(d.get("reason").asText()).isEqualTo("user bouncer is suppressed (BOUNCED)"));
        }
    }

    @Test
    void headerInjectionThroughAProfileNameIsBlocked() throws Exception {
        GreenMail smtp = greenMail(0);
        try {
            PipelineFixture f = PipelineFixture.create(
                    KAFKA.broker(), "inject", smtp.getSmtp().getPort());
            new Scenario()
                    .rawProfile(
                            "{\"userId\":\"mallory\",\"email\":\"m@example.com\",\"name\":\"M\\r\\nBcc: victim@example.org\"}",
                            "mallory")
                    .abandoner("fine", "fine@example.com", "F", "en")
                    .publish(KAFKA.broker(), f.config());
            run(f.config());

            awaitMessages(smtp, 1);
            assertThat(smtp.getReceivedMessages()).hasSize(1);
            assertThat(GreenMailUtil.getHeaders(smtp.getReceivedMessages()[0])).doesNotContain("victim");
            List<String> reasons = f.read(MailflowOptions.TOPIC_DEAD_LETTERS).stream()
                    .map(d -> d.get("reason").asText())
                    .toList();
            assertThat(reasons)
                    .contains(
                            "profile of user mallory has an invalid 'name' (too long or control characters)",
                            "no profile for user mallory");
        } finally {
            smtp.stop();
        }
    }

    /** GreenMail files a message into its mailbox shortly after replying 250: wait for that, not a fixed time. */
    static void awaitMessages(GreenMail smtp, int count) {
        assertThat(smtp.waitForIncomingEmail(30_000, count))
                .as("%d message(s) arrived", count)
                .isTrue();
    }

    private static void run(MailflowConfig config) throws Exception {
        StreamExecutionEnvironment env = FlinkTestEnv.env();
        MailflowJob.define(env, config);
        env.execute();
    }

    static String messageId(MimeMessage m) {
        try {
            return m.getMessageID();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Real SMTP clients that signal the first failed send (the server is down) to the test thread. */
    static final class CountingClients implements MailClientFactory {
        static CountDownLatch firstFailure = new CountDownLatch(1);
        private final SmtpSettings settings;

        CountingClients(SmtpSettings settings) {
            this.settings = settings;
        }

        static void reset() {
            firstFailure = new CountDownLatch(1);
        }

        @Override
        public MailClient create() {
            SmtpMailClient real = new SmtpMailClient(settings);
            return new MailClient() {
                @Override
                public String send(io.mailflow.model.RenderedEmail email)
                        throws io.mailflow.delivery.DeliveryException {
                    try {
                        return real.send(email);
                    } catch (io.mailflow.delivery.DeliveryException e) {
                        firstFailure.countDown();
                        throw e;
                    }
                }

                @Override
                public void close() {
                    real.close();
                }
            };
        }
    }
}
