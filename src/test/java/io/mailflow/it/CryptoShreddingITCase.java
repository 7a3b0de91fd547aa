package io.mailflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.config.Option;
import io.mailflow.io.Json;
import io.mailflow.job.MailflowJob;
import io.mailflow.job.PipelineSettings;
import io.mailflow.model.UserProfile;
import io.mailflow.privacy.EncryptionSettings;
import io.mailflow.privacy.KeyUnavailableException;
import io.mailflow.privacy.PersonalDataCipher;
import io.mailflow.privacy.Pseudonymizer;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.LiveShoppers;
import io.mailflow.testing.PipelineFixture;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Erasure by crypto-shredding (issue 17, "Done when"): the production topology, unbounded, with
 * {@code privacy.encryption.enabled}, a real KRaft broker, a MiniCluster at parallelism 2 with periodic checkpoints,
 * and GreenMail. Live shoppers cart and are e-mailed; one of them has a recognisable address and name. Once that
 * user's e-mail is delivered, a savepoint is taken and the newest checkpoint copied; then the CRM erases the user.
 * After the erasure, every topic the job writes or keeps keys in (including the key topic), the savepoint and the
 * checkpoint taken before the erasure, and a savepoint taken after it are read back as raw bytes: the user's
 * address and name are nowhere in plain text, and every ciphertext found in them is tried with the keys now in the
 * key topic, for the user and every field: none opens. Controls: before the erasure the same scan opens the user's
 * ciphertexts in the savepoint, and after it another user's still open. With encryption off
 * ({@code mvn -B -ntp test -Dtest=CryptoShreddingITCase -Dencryption.control=true}) the test fails on the address
 * in the savepoint. A dry-run copy of the campaign puts a would-be e-mail to the user, whose subject and excerpt
 * quote the name, in the decisions topic before the erasure, so that topic is checked with a record that matters.
 * The two users' profiles are published sealed by the shop's {@code ProfileCli seal}, and the profiles topic is
 * scanned too; its control ({@code -Dprofiles.control=true}: the CRM publishes them in plain text) fails on the
 * address in that topic.
 * It runs twice: with the shop's user ids, and with pseudonyms on (the ids inside the job, and in
 * the ciphertexts' associated data, are then pseudonyms).
 */
class CryptoShreddingITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    static final String MASTER_KEY = Base64.getEncoder()
            .encodeToString("crypto-shredding-it-master-key-32".substring(0, 32).getBytes(StandardCharsets.US_ASCII));
    static final String VICTIM_NAME = "Valentina Erasedova";
    static final String KEEPER_NAME = "Konrad Keeperman";
    static final String PSEUDONYM_KEY = "crypto-shredding-it-pseudonym-key-0123456789";
    static final Pattern CIPHERTEXT = Pattern.compile("mfe1\\.[A-Za-z0-9_-]{12}\\.[A-Za-z0-9_-]{30,}");
    static final List<String> FIELDS = List.of(
            PersonalDataCipher.EMAIL,
            PersonalDataCipher.NAME,
            PersonalDataCipher.SUBJECT,
            PersonalDataCipher.HTML,
            PersonalDataCipher.TEXT,
            PersonalDataCipher.DECISION_SUBJECT,
            PersonalDataCipher.DECISION_EXCERPT);
    /**
     * The shop's inputs, written by the test itself as the CRM and the shop would. Not the profiles topic: the two
     * users' profiles are published sealed through {@code ProfileCli seal}, so it is scanned like the job's topics.
     */
    static final Set<String> INPUT_TOPICS = Set.of(
            MailflowOptions.TOPIC_EVENTS.key(),
            MailflowOptions.TOPIC_ENGAGEMENT.key(),
            MailflowOptions.TOPIC_CAMPAIGNS.key(),
            MailflowOptions.TOPIC_CATALOG.key());

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "pseudonyms {0}")
    @ValueSource(booleans = {false, true})
    void afterTheErasureNoCopyOfTheUsersAddressOrNameCanBeRead(boolean pseudonyms) throws Exception {
        boolean enabled = !Boolean.getBoolean("encryption.control");
        String prefix = pseudonyms ? "shredp" : "shred";
        String victimAddress = prefix + ".valentina.erasedova.q7@example.com";
        String keeperAddress = prefix + ".konrad.keeper.m3@example.com";
        PipelineFixture f = PipelineFixture.create(
                KAFKA.broker(),
                prefix,
                SMTP.getSmtp().getPort(),
                "job.bounded",
                "false",
                "session.gap",
                "1s",
                "abandoned-cart.delay",
                "1s",
                "profiles.grace",
                "1s",
                "ingest.max-out-of-orderness",
                "1s",
                // live wall-clock event time: no quiet hours, so the outcome does not depend on the time of day
                "guardrails.quiet-hours-start",
                "0ms",
                "guardrails.quiet-hours-end",
                "0ms",
                "privacy.encryption.enabled",
                Boolean.toString(enabled),
                "topic.user-keys",
                prefix + ".user-keys",
                "privacy.pseudonyms.enabled",
                Boolean.toString(pseudonyms),
                "privacy.pseudonyms.key-id",
                "k9",
                // the live abandoned cart and a dry-run copy of it, whose decisions quote the subject and text
                "campaigns.file",
                "classpath:campaigns/crypto-shredding.yaml");
        MailflowConfig config = f.config().toBuilder()
                .masterKey(MASTER_KEY)
                .pseudonymKey(PSEUDONYM_KEY)
                .build();
        if (!enabled) { // the control reads the (empty) key topic too; Topics lists it only with encryption on
            KAFKA.broker().createTopic(config.get(MailflowOptions.TOPIC_USER_KEYS), 1, true);
        }
        String victimRaw = LiveShoppers.user(prefix, 0);
        String keeperRaw = LiveShoppers.user(prefix, 1);
        // the ids inside the job (and in the ciphertexts' associated data): pseudonyms when those are on
        Pseudonymizer p = Pseudonymizer.of("k9", PSEUDONYM_KEY);
        String victim = pseudonyms ? p.pseudonym(victimRaw) : victimRaw;
        String keeper = pseudonyms ? p.pseudonym(keeperRaw) : keeperRaw;

        StreamExecutionEnvironment env = FlinkTestEnv.env();
        Path checkpoints = tmp.resolve("checkpoints");
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        env.configure(conf);
        env.enableCheckpointing(500);
        JobClient job = MailflowJob.start(env, config);
        Path savepointBefore;
        Path checkpointBefore = tmp.resolve("checkpoint-before");
        Path savepointAfter;
        List<String> victimCiphertextsBefore;
        try (KafkaProducer<byte[], byte[]> crm = KAFKA.broker().producer()) {
            // later than LiveShoppers' own profiles (updatedAt 1), so these win whatever the order of arrival;
            // published sealed by the shop's tool (in plain text by the CRM in the controls)
            List<UserProfile> profiles = List.of(
                    new UserProfile(victimRaw, victimAddress, VICTIM_NAME, "en", "UTC", true, 2),
                    new UserProfile(keeperRaw, keeperAddress, KEEPER_NAME, "en", "UTC", true, 2));
            if (enabled && !Boolean.getBoolean("profiles.control")) {
                publishSealed(config, profiles, pseudonyms);
            } else {
                for (UserProfile pr : profiles) {
                    publish(crm, config, pr.userId(), pr);
                }
            }
            try (LiveShoppers shoppers = new LiveShoppers(config, prefix, 4, Duration.ofSeconds(2)).start()) {
                awaitMailTo(Set.of(victimAddress, keeperAddress), Duration.ofSeconds(120));
                awaitDryRunSend(config, victim, Duration.ofSeconds(60));
                savepointBefore = Path.of(URI.create(job.triggerSavepoint(
                                tmp.resolve("savepoints-before").toUri().toString(), SavepointFormatType.CANONICAL)
                        .get()));
                copyNewestCheckpoint(checkpoints, checkpointBefore);
                // the control of the scan: before the erasure, the user's ciphertexts in the savepoint open
                try (PersonalDataCipher now = cipher(config)) {
                    victimCiphertextsBefore = readable(now, victim, bytesOf(savepointBefore));
                }
                if (enabled) {
                    assertThat(victimCiphertextsBefore)
                            .as("the user's encrypted profile in the savepoint, readable before the erasure")
                            .isNotEmpty();
                }

                // the CRM erases the user
                crm.send(new ProducerRecord<>(
                                config.get(MailflowOptions.TOPIC_PROFILES),
                                bytes(victimRaw),
                                bytes("{\"userId\":\"" + victimRaw + "\",\"erase\":true}")))
                        .get();
                awaitErasureMarker(config, victim, Duration.ofSeconds(60));
                savepointAfter = Path.of(URI.create(job.stopWithSavepoint(
                                false,
                                tmp.resolve("savepoints-after").toUri().toString(),
                                SavepointFormatType.CANONICAL)
                        .get()));
            }
        } catch (Exception | AssertionError e) {
            job.cancel();
            throw e;
        }

        // everything that might hold a copy: the job's topics (the key topic too), snapshots before and after
        Map<String, String> copies = new LinkedHashMap<>();
        for (Option<?> o : MailflowOptions.all()) {
            if (!o.key().startsWith("topic.") || INPUT_TOPICS.contains(o.key())) {
                continue;
            }
            String topic = (String) config.get(o);
            if (topic.isEmpty()) {
                continue;
            }
            StringBuilder b = new StringBuilder();
            for (ConsumerRecord<byte[], byte[]> r : KAFKA.broker().readAll(topic)) {
                b.append(latin1(r.key())).append(' ').append(latin1(r.value())).append('\n');
            }
            copies.put("topic " + topic, b.toString());
        }
        copies.put("savepoint before the erasure", bytesOf(savepointBefore));
        copies.put("checkpoint before the erasure", bytesOf(checkpointBefore));
        copies.put("savepoint after the erasure", bytesOf(savepointAfter));
        assertThat(copies.get("checkpoint before the erasure"))
                .as("the copied checkpoint")
                .isNotEmpty();

        for (Map.Entry<String, String> c : copies.entrySet()) {
            for (String secret : List.of(victimAddress, VICTIM_NAME)) {
                assertThat(c.getValue()).as(c.getKey() + " in plain text").doesNotContain(secret);
            }
        }
        // every ciphertext anywhere, tried with every key the key topic holds now
        try (PersonalDataCipher now = cipher(config)) {
            List<String> keeperReadable = new ArrayList<>();
            for (Map.Entry<String, String> c : copies.entrySet()) {
                assertThat(readable(now, victim, c.getValue()))
                        .as(c.getKey() + ": the erased user's ciphertexts that still open")
                        .isEmpty();
                keeperReadable.addAll(readable(now, keeper, c.getValue()));
            }
            for (String cipherText : victimCiphertextsBefore) {
                for (String field : FIELDS) {
                    assertThat(opens(now, victim, field, cipherText)).isFalse();
                }
            }
            assertThat(keeperReadable)
                    .as("another user's data still opens: the keys are there")
                    .isNotEmpty();
        }
        assertThat(KAFKA.broker().readAll(config.get(MailflowOptions.TOPIC_USER_KEYS)))
                .as("the key topic ends with the user's tombstone")
                .filteredOn(r -> victim.equals(latin1(r.key())))
                .last()
                .satisfies(r -> assertThat(r.value()).isNull());
    }

    private static PersonalDataCipher cipher(MailflowConfig config) {
        EncryptionSettings s = PipelineSettings.encryption(
                config.toBuilder().set("privacy.encryption.enabled", "true").build());
        return s.open();
    }

    /** The distinct ciphertexts in {@code text} that open as one of {@code user}'s fields with the keys now held. */
    private static List<String> readable(PersonalDataCipher cipher, String user, String text) {
        Set<String> found = new LinkedHashSet<>();
        Matcher m = CIPHERTEXT.matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        List<String> open = new ArrayList<>();
        for (String c : found) {
            for (String field : FIELDS) {
                if (opens(cipher, user, field, c)) {
                    open.add(c);
                }
            }
        }
        return open;
    }

    private static boolean opens(PersonalDataCipher cipher, String user, String field, String ciphertext) {
        try {
            cipher.decrypt(user, field, ciphertext);
            return true;
        } catch (KeyUnavailableException e) {
            return false;
        }
    }

    /** The shop's way: {@code ProfileCli seal}, plain JSON lines in, sealed profiles and the users' keys out. */
    private static void publishSealed(MailflowConfig config, List<UserProfile> profiles, boolean pseudonyms)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "seal",
                "--kafka.bootstrap-servers",
                config.get(MailflowOptions.KAFKA_BOOTSTRAP),
                "--topic",
                config.get(MailflowOptions.TOPIC_PROFILES),
                "--user-keys",
                config.get(MailflowOptions.TOPIC_USER_KEYS),
                "--master-key-id",
                config.get(MailflowOptions.ENCRYPTION_MASTER_KEY_ID)));
        if (pseudonyms) {
            args.addAll(List.of("--pseudonym-key-id", "k9"));
        }
        StringBuilder lines = new StringBuilder();
        for (UserProfile pr : profiles) {
            lines.append(Json.toText(pr)).append('\n');
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        Map<String, String> env = Map.of(
                io.mailflow.privacy.LocalKeyManagementService.MASTER_KEY_ENV,
                MASTER_KEY,
                Pseudonymizer.KEY_ENV,
                PSEUDONYM_KEY);
        int status = io.mailflow.tools.cli.ProfileCli.run(
                args.toArray(String[]::new),
                new java.io.ByteArrayInputStream(lines.toString().getBytes(StandardCharsets.UTF_8)),
                new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8),
                env::get);
        assertThat(status)
                .as("ProfileCli seal: " + err.toString(StandardCharsets.UTF_8))
                .isZero();
    }

    private static void publish(KafkaProducer<byte[], byte[]> p, MailflowConfig config, String user, UserProfile pr)
            throws Exception {
        p.send(new ProducerRecord<>(config.get(MailflowOptions.TOPIC_PROFILES), bytes(user), Json.toBytes(pr)))
                .get();
    }

    private static void awaitMailTo(Set<String> addresses, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Set<String> to = new LinkedHashSet<>();
            for (MimeMessage m : SMTP.getReceivedMessages()) {
                to.add(((InternetAddress) m.getAllRecipients()[0]).getAddress());
            }
            if (to.containsAll(addresses)) {
                return;
            }
            assertThat(System.nanoTime())
                    .as("e-mails to " + addresses + " within " + timeout + ", got " + to)
                    .isLessThan(deadline);
            SMTP.waitForIncomingEmail(1_000, to.size() + 1);
        }
    }

    /** Waits for the dry-run campaign's would-be e-mail to the user (a SEND decision) in the decisions topic. */
    private static void awaitDryRunSend(MailflowConfig config, String user, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (ConsumerRecord<byte[], byte[]> r :
                    KAFKA.broker().readAll(config.get(MailflowOptions.TOPIC_DECISIONS))) {
                com.fasterxml.jackson.databind.JsonNode d = Json.mapper().readTree(r.value());
                if (user.equals(d.path("userId").asText())
                        && "SEND".equals(d.path("decision").asText())
                        && !d.path("subject").asText().isEmpty()) {
                    return;
                }
            }
            assertThat(System.nanoTime())
                    .as("the dry run's SEND decision within " + timeout)
                    .isLessThan(deadline);
            Thread.sleep(200); // polling a topic for a record, not waiting for a result to pass
        }
    }

    /** Waits for the job's erasure marker (the profile join has applied the erasure) in the suppressions topic. */
    private static void awaitErasureMarker(MailflowConfig config, String user, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (ConsumerRecord<byte[], byte[]> r :
                    KAFKA.broker().readAll(config.get(MailflowOptions.TOPIC_SUPPRESSIONS))) {
                String v = latin1(r.value());
                if (v.contains(user) && v.contains("ERASED")) {
                    return;
                }
            }
            assertThat(System.nanoTime())
                    .as("the erasure marker within " + timeout)
                    .isLessThan(deadline);
            Thread.sleep(200); // polling a topic for a record, not waiting for a result to pass
        }
    }

    /**
     * Copies the newest complete checkpoint while the job runs (older ones are deleted as new ones complete, so a
     * file may vanish while copying: the copy is then tried again).
     */
    private static void copyNewestCheckpoint(Path base, Path target) throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (Stream<Path> all = Files.walk(base)) {
                Path newest = all.filter(p -> p.getFileName().toString().equals("_metadata"))
                        .map(Path::getParent)
                        .max((a, b) -> Integer.compare(number(a), number(b)))
                        .orElse(null);
                if (newest != null) {
                    copyTree(newest.getParent(), target);
                    return;
                }
            } catch (NoSuchFileException | java.io.UncheckedIOException vanished) {
                // a checkpoint was subsumed while walking: try again
            }
            Thread.sleep(500); // the first checkpoint completes within an interval
        }
        throw new AssertionError("no completed checkpoint under " + base);
    }

    private static int number(Path chk) {
        String n = chk.getFileName().toString();
        return n.startsWith("chk-") ? Integer.parseInt(n.substring(4)) : -1;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                Files.createDirectories(dest.getParent());
                try {
                    Files.copy(p, dest);
                } catch (NoSuchFileException vanished) {
                    // an older checkpoint's file, subsumed meanwhile
                }
            }
        }
    }

    /** Every byte of every file under {@code dir}, as ISO-8859-1 text (one char per byte). */
    private static String bytesOf(Path dir) throws IOException {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                b.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1))
                        .append('\n');
            }
        }
        return b.toString();
    }

    private static String latin1(byte[] b) {
        return b == null ? "" : new String(b, StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
