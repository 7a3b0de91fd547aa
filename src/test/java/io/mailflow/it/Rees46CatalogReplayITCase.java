package io.mailflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.io.Json;
import io.mailflow.job.MailflowJob;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import io.mailflow.model.UserProfile;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.PipelineFixture;
import io.mailflow.testing.SharedData;
import io.mailflow.tools.importer.CsvImporter;
import io.mailflow.tools.importer.Rees46Catalog;
import io.mailflow.tools.importer.Rees46Format;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The REES46 replay with a catalog derived from the same log ({@link Rees46Catalog}): every product shown names
 * the brand and category path the log gives it, the number of e-mails is unchanged (every carted product is in
 * the catalog and in stock), and no recommended item is one the user had bought before the cart was abandoned.
 */
class Rees46CatalogReplayITCase {
    private static final Pattern IMAGE = Pattern.compile("https://images\\.example\\.com/rees46/([0-9]+)\\.jpg");

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void everyEmailNamesRealBrandsAndCategoriesAndRecommendsNothingBought() throws Exception {
        Path csv = SharedData.require("rees46/2019-Oct-head17k.csv");
        int expectedEmails = Rees46ReplayITCase.expectedFromRawCsv(csv).abandonedCartEmails();
        Map<String, Rees46Catalog.Product> products = Rees46Catalog.read(csv);
        Path catalogFile = Files.createTempFile("rees46-catalog", ".jsonl");
        Rees46Catalog.write(products, catalogFile);

        PipelineFixture fixture = PipelineFixture.create(
                KAFKA.broker(),
                "rees46cat",
                SMTP.getSmtp().getPort(),
                "session.gap",
                "30min",
                "abandoned-cart.delay",
                "1h",
                "ingest.max-out-of-orderness",
                "1min",
                "topic.catalog",
                "rees46cat.catalog");
        MailflowConfig config = fixture.config();
        List<Event> events = new CsvImporter(new Rees46Format()).readAll(csv);
        Map<String, Set<String>> boughtBeforeLastCart = new HashMap<>();
        Map<String, Long> lastCart = new HashMap<>();
        for (Event e : events) {
            if (e.type() == EventType.ADD_TO_CART) {
                lastCart.merge(e.userId(), e.timestamp(), Math::max);
            }
        }
        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            for (String line : Files.readAllLines(catalogFile, StandardCharsets.UTF_8)) {
                String id = Json.mapper().readTree(line).get("itemId").asText();
                p.send(new ProducerRecord<>(config.get(MailflowOptions.TOPIC_CATALOG), key(id), key(line)));
            }
            Set<String> users = new HashSet<>();
            for (Event e : events) {
                if (users.add(e.userId())) {
                    UserProfile profile = new UserProfile(
                            e.userId(), "user" + e.userId() + "@example.com", "Shopper", "en", "UTC", true, 1);
                    p.send(new ProducerRecord<>(
                            config.get(MailflowOptions.TOPIC_PROFILES), key(e.userId()), Json.toBytes(profile)));
                }
                if (e.type() == EventType.PURCHASE && e.timestamp() < lastCart.getOrDefault(e.userId(), 0L)) {
                    boughtBeforeLastCart
                            .computeIfAbsent(e.userId(), u -> new HashSet<>())
                            .add(e.itemId());
                }
                p.send(new ProducerRecord<>(
                        config.get(MailflowOptions.TOPIC_EVENTS), key(e.userId()), Json.toBytes(e)));
            }
        }

        StreamExecutionEnvironment env = FlinkTestEnv.env();
        MailflowJob.define(env, config);
        env.execute("rees46-catalog-replay-it");

        assertThat(SMTP.waitForIncomingEmail(30_000, expectedEmails)).isTrue();
        MimeMessage[] mails = SMTP.getReceivedMessages();
        assertThat(mails).hasSize(expectedEmails);
        int branded = 0;
        int recommended = 0;
        for (MimeMessage m : mails) {
            String user =
                    ((InternetAddress) m.getAllRecipients()[0]).getAddress().replaceAll("^user|@example\\.com$", "");
            String body = CatalogPipelineITCase.text(m);
            // the HTML part: its cards after the heading are the recommendations (the text part has no images)
            int html = body.indexOf("<html");
            assertThat(html).as("an HTML part").isNotNegative();
            int split = body.indexOf("You may also like", html);
            Matcher images = IMAGE.matcher(body);
            int shown = 0;
            int recsHere = 0;
            while (images.find()) {
                shown++;
                Rees46Catalog.Product p = products.get(images.group(1));
                assertThat(p).as("a product of the log").isNotNull();
                if (p.brand() != null) {
                    assertThat(body).contains(p.brand());
                    branded++;
                }
                if (p.categoryCode() != null) {
                    assertThat(body).contains(p.categoryCode().replace(".", " &gt; "));
                }
                if (split >= 0 && images.start() > split) {
                    recommended++;
                    recsHere++;
                    assertThat(boughtBeforeLastCart.getOrDefault(user, Set.of()))
                            .as("items user %s bought", user)
                            .doesNotContain(p.id());
                }
            }
            assertThat(shown).as("product cards in the e-mail to %s", user).isPositive();
            assertThat(recsHere)
                    .as("recommendation cards in the e-mail to %s: %s", user, body)
                    .isLessThanOrEqualTo(6); // recommendations.per-email
        }
        assertThat(branded).isPositive();
        System.out.printf(
                "REES46 catalog replay: %d e-mails, %d branded product cards, %d recommendation cards%n",
                mails.length, branded, recommended);
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
