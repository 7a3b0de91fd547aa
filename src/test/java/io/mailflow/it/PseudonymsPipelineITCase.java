package io.mailflow.it;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_HOUR;
import static io.mailflow.testing.Events.ONE_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.mailflow.config.MailflowOptions;
import io.mailflow.config.Option;
import io.mailflow.io.Json;
import io.mailflow.job.MailflowJob;
import io.mailflow.model.Event;
import io.mailflow.model.UserProfile;
import io.mailflow.privacy.Pseudonymizer;
import io.mailflow.testing.Events;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.PipelineFixture;
import jakarta.mail.BodyPart;
import jakarta.mail.Header;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pseudonymous ids at the edge (issue 17): the production topology with {@code privacy.pseudonyms.enabled}, a real
 * KRaft broker, a MiniCluster at parallelism 2 and GreenMail. Shoppers with recognisable raw ids
 * ({@code shopper-raw-47xx}) view, cart and buy; the CRM sends their profiles, a suppression, an erasure and bad
 * records, all under the raw ids. After the run, every output topic (keys and values), every captured e-mail (all
 * headers, every decoded part, the payload of every signed token in its links) and every log line are searched:
 * no raw id anywhere, and the pseudonyms where they should be. E-mails must actually be sent, so the search has
 * something to find; with pseudonyms off
 * ({@code -Dpseudonyms.control=true}) the same search fails on the first raw id.
 */
class PseudonymsPipelineITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    static final String KEY = "it-pseudonym-key-0123456789abcdefghij";
    static final String RAW = "shopper-raw-47";
    /** The inputs the test writes itself; the suppressions topic is both, and its own records are skipped. */
    static final Set<String> INPUT_TOPICS = Set.of(
            MailflowOptions.TOPIC_EVENTS.key(),
            MailflowOptions.TOPIC_PROFILES.key(),
            MailflowOptions.TOPIC_ENGAGEMENT.key(),
            MailflowOptions.TOPIC_CAMPAIGNS.key(),
            MailflowOptions.TOPIC_CATALOG.key());

    private final Pseudonymizer pseudonyms = Pseudonymizer.of("k7", KEY);

    @Test
    void noRawUserIdLeavesTheJobAndThePseudonymsDo() throws Exception {
        boolean enabled = !Boolean.getBoolean("pseudonyms.control"); // -Dpseudonyms.control=true: the control run
        PipelineFixture f = PipelineFixture.create(
                KAFKA.broker(),
                "pseudo",
                SMTP.getSmtp().getPort(),
                "session.gap",
                "30min",
                "abandoned-cart.delay",
                "1h",
                "email.esp-headers",
                "both",
                "email.open-pixel",
                "true",
                "privacy.pseudonyms.enabled",
                Boolean.toString(enabled),
                "privacy.pseudonyms.key-id",
                "k7");
        var config = f.config().toBuilder().pseudonymKey(KEY).build();

        String alice = RAW + "11"; // carts and leaves: e-mailed
        String chen = RAW + "12"; // carts and leaves, zh-CN: e-mailed
        String noConsent = RAW + "13"; // no consent: a dead letter naming the user
        String noProfile = RAW + "14"; // no profile: a dead letter naming the user
        String suppressed = RAW + "15"; // unsubscribed at the CRM: no e-mail
        String erased = RAW + "16"; // erased: no e-mail, an erasure marker
        String buyer = RAW + "17"; // buys: a purchase in sessions, labels, attribution
        List<UserProfile> profiles = List.of(
                new UserProfile(alice, "alice@example.com", "Alice", "en", "Europe/Berlin", true, 1),
                new UserProfile(chen, "chen@example.org", "陈小明", "zh-CN", "Asia/Shanghai", true, 1),
                new UserProfile(noConsent, "erin@example.com", "Erin", "en", "UTC", false, 1),
                new UserProfile(suppressed, "sue@example.com", "Sue", "en", "UTC", true, 1),
                new UserProfile(erased, "eve@example.com", "Eve", "en", "UTC", true, 1),
                new UserProfile(buyer, "bob@example.com", "Bob", "en", "UTC", true, 1));
        long t = BEGINNING;
        List<Event> events = new ArrayList<>();
        events.add(Events.view(alice, "sku-1", t));
        events.add(Events.cart(alice, "sku-1", 19.99, t + ONE_MINUTE));
        events.add(Events.cart(chen, "sku-4", 88.00, t + 5 * ONE_MINUTE));
        events.add(Events.cart(noConsent, "sku-6", 1.00, t));
        events.add(Events.cart(noProfile, "sku-7", 2.00, t));
        events.add(Events.cart(suppressed, "sku-8", 3.00, t));
        events.add(Events.cart(erased, "sku-9", 4.00, t));
        events.add(Events.cart(buyer, "sku-3", 7.50, t));
        events.add(Events.purchase(buyer, "sku-3", 7.50, t + ONE_MINUTE));
        events.add(Events.search(buyer, "shoes", t + 2 * ONE_MINUTE));
        events.add(Events.view("zoe-" + RAW + "99", "sku-9", t + 3 * ONE_HOUR)); // advances event time
        List<String> badEvents = List.of(
                "{\"userId\": " + RAW + "21}", // not JSON: payload withheld
                "{\"eventId\":\"b1\",\"userId\":\"" + RAW
                        + "22\",\"type\":\"ADD_TO_CART\",\"itemId\":\"x\",\"price\":-3," + "\"timestamp\":" + t + "}",
                "{\"eventId\":\"b2\",\"userId\":\"" + RAW + "23\",\"type\":\"TELEPORT\",\"timestamp\":" + t + "}");
        List<String> crmSuppressions = List.of(
                "{\"userId\":\"" + suppressed + "\",\"reason\":\"UNSUBSCRIBED\",\"at\":" + t + "}",
                "{\"userId\":\"" + RAW + "24\",\"reason\":\"NOT A REASON\",\"at\":" + t + "}");

        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            for (UserProfile profile : profiles) {
                p.send(new ProducerRecord<>(
                        f.topic(MailflowOptions.TOPIC_PROFILES), bytes(profile.userId()), Json.toBytes(profile)));
            }
            p.send(new ProducerRecord<>(
                    f.topic(MailflowOptions.TOPIC_PROFILES),
                    bytes(erased),
                    bytes("{\"userId\":\"" + erased + "\",\"erase\":true}")));
            p.send(new ProducerRecord<>(
                    f.topic(MailflowOptions.TOPIC_PROFILES),
                    bytes(RAW + "25"),
                    bytes("{\"userId\":\"" + RAW + "25\",\"email\":\"a,b@example.com\",\"consent\":true}")));
            for (String s : crmSuppressions) { // a compacted topic: every record needs a key
                String user = Json.mapper().readTree(s).get("userId").asText();
                p.send(new ProducerRecord<>(f.topic(MailflowOptions.TOPIC_SUPPRESSIONS), bytes(user), bytes(s)))
                        .get();
            }
            for (Event e : events) {
                p.send(new ProducerRecord<>(f.topic(MailflowOptions.TOPIC_EVENTS), bytes(e.userId()), Json.toBytes(e)));
            }
            for (String b : badEvents) {
                p.send(new ProducerRecord<>(f.topic(MailflowOptions.TOPIC_EVENTS), bytes(RAW + "2x"), bytes(b)));
            }
        }

        List<String> logLines = Collections.synchronizedList(new ArrayList<>());
        try (LogCapture ignored = new LogCapture(logLines)) {
            StreamExecutionEnvironment env = FlinkTestEnv.env();
            MailflowJob.define(env, config);
            env.execute("pseudonyms-it");
        }

        // e-mails were sent, to the right people, with pseudonyms in their headers and links
        assertThat(SMTP.waitForIncomingEmail(30_000, 2)).isTrue();
        MimeMessage[] mails = SMTP.getReceivedMessages();
        List<String> recipients = new ArrayList<>();
        for (MimeMessage m : mails) {
            recipients.add(((InternetAddress) m.getAllRecipients()[0]).getAddress());
        }
        assertThat(recipients).containsExactlyInAnyOrder("alice@example.com", "chen@example.org");
        List<String> mailTexts = new ArrayList<>();
        for (MimeMessage m : mails) {
            mailTexts.add(mailText(m));
        }
        String pAlice = pseudonyms.pseudonym(alice);
        String pChen = pseudonyms.pseudonym(chen);
        if (enabled) {
            assertThat(String.join("\n", mailTexts))
                    .as("pseudonyms in the ESP headers and in the signed tokens of the links")
                    .contains(pAlice)
                    .contains(pChen);
        }

        // every output topic, keys and values
        List<String> outputs = new ArrayList<>();
        Set<String> ownInputs = new HashSet<>(crmSuppressions);
        int topicsWithRecords = 0;
        for (Option<?> o : MailflowOptions.all()) {
            if (!o.key().startsWith("topic.") || INPUT_TOPICS.contains(o.key())) {
                continue;
            }
            String topic = (String) config.get(o);
            if (topic.isEmpty()) {
                continue;
            }
            List<ConsumerRecord<byte[], byte[]>> records = KAFKA.broker().readAll(topic);
            if (!records.isEmpty()) {
                topicsWithRecords++;
            }
            for (ConsumerRecord<byte[], byte[]> r : records) {
                String value = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
                if (ownInputs.contains(value)) {
                    continue;
                }
                String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                outputs.add(topic + " " + key + " " + value);
            }
        }
        assertThat(topicsWithRecords).as("output topics with records").isGreaterThanOrEqualTo(10);

        List<String> scanned = new ArrayList<>(outputs);
        scanned.addAll(mailTexts);
        scanned.addAll(logLines);
        assertThat(logLines).as("captured log lines").isNotEmpty();
        for (String text : scanned) {
            assertThat(text).as("an output record, e-mail or log line").doesNotContain(RAW);
        }

        // the pseudonyms are where the raw ids were
        List<JsonNode> results = f.read(MailflowOptions.TOPIC_SEND_RESULTS);
        assertThat(results.stream().map(r -> r.get("userId").asText())).containsExactlyInAnyOrder(pAlice, pChen);
        List<String> sessionUsers = f.read(MailflowOptions.TOPIC_SESSIONS).stream()
                .map(s -> s.get("userId").asText())
                .toList();
        assertThat(sessionUsers).contains(pseudonyms.pseudonym(buyer), pAlice);
        assertThat(sessionUsers)
                .allSatisfy(u -> assertThat(pseudonyms.isPseudonym(u)).isTrue());
        List<String> reasons = f.read(MailflowOptions.TOPIC_DEAD_LETTERS).stream()
                .map(d -> d.get("stage").asText() + ": " + d.get("reason").asText())
                .toList();
        assertThat(reasons)
                .contains("profile: user " + pseudonyms.pseudonym(noConsent) + " has not consented to e-mail")
                .contains("profile: no profile for user " + pseudonyms.pseudonym(noProfile))
                .anySatisfy(r -> assertThat(r).startsWith("ingest: malformed JSON"))
                .anySatisfy(r -> assertThat(r).startsWith("suppression: "))
                .anySatisfy(
                        r -> assertThat(r).startsWith("profile: profile of user " + pseudonyms.pseudonym(RAW + "25")));
        assertThat(String.join("\n", outputs))
                .as("the erasure marker and the pseudonymised payload of a rejected event")
                .contains(pseudonyms.pseudonym(erased))
                .contains(pseudonyms.pseudonym(RAW + "22"));
    }

    /** Every header and every decoded text part of a message, plus the decoded payload of every signed token. */
    private static String mailText(MimeMessage m) throws Exception {
        StringBuilder b = new StringBuilder(GreenMailUtil.getWholeMessage(m)).append('\n');
        for (Enumeration<Header> h = m.getAllHeaders(); h.hasMoreElements(); ) {
            Header header = h.nextElement();
            b.append(header.getName()).append(": ").append(header.getValue()).append('\n');
        }
        appendParts(m, b);
        Matcher tokens = Pattern.compile("[A-Za-z0-9-]{1,16}\\.([A-Za-z0-9_-]{8,})\\.[A-Za-z0-9_-]{22}")
                .matcher(b.toString());
        List<String> decoded = new ArrayList<>();
        while (tokens.find()) {
            try {
                decoded.add(new String(Base64.getUrlDecoder().decode(tokens.group(1)), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException notAToken) {
                // a look-alike, not a token
            }
        }
        assertThat(decoded).as("signed tokens in the e-mail's links").isNotEmpty();
        decoded.forEach(d -> b.append("token: ").append(d).append('\n'));
        return b.toString();
    }

    private static void appendParts(Part part, StringBuilder b) throws Exception {
        Object content = part.getContent();
        if (content instanceof Multipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart child = mp.getBodyPart(i);
                appendParts(child, b);
            }
        } else if (content instanceof String s) {
            b.append(s).append('\n');
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Captures every log event (message and exception) at INFO and above while open. */
    private static final class LogCapture implements AutoCloseable {
        private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
        private final AbstractAppender appender;
        private final Level previous;

        LogCapture(List<String> lines) {
            appender = new AbstractAppender("pseudonyms-capture", null, null, true, Property.EMPTY_ARRAY) {
                @Override
                public void append(LogEvent e) {
                    StringBuilder b = new StringBuilder(e.getMessage().getFormattedMessage());
                    for (Throwable t = e.getThrown(); t != null; t = t.getCause()) {
                        b.append(" | ").append(t);
                    }
                    lines.add(b.toString());
                }
            };
            appender.start();
            context.getConfiguration().addAppender(appender);
            context.getConfiguration().getRootLogger().addAppender(appender, Level.INFO, null);
            previous = context.getConfiguration().getRootLogger().getLevel();
            Configurator.setRootLevel(Level.INFO);
            context.updateLoggers();
        }

        @Override
        public void close() {
            Configurator.setRootLevel(previous);
            context.getConfiguration().getRootLogger().removeAppender(appender.getName());
            context.updateLoggers();
            appender.stop();
        }
    }
}
