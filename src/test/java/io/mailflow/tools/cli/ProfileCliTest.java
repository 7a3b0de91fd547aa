package io.mailflow.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.common.Tags;
import io.mailflow.io.KafkaUserKeyTopic;
import io.mailflow.model.ContactUpdate;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.RawRecord;
import io.mailflow.privacy.EncryptionSettings;
import io.mailflow.privacy.LocalKeyManagementService;
import io.mailflow.privacy.PersonalDataCipher;
import io.mailflow.privacy.PseudonymSettings;
import io.mailflow.profiles.ParseProfilesFunction;
import io.mailflow.testing.KafkaExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shop seals its profiles with {@code ProfileCli seal} on a real broker: the profiles topic holds no readable
 * address or name, the users' keys are in the key topic, the job's parser takes the sealed profiles, and after an
 * erasure nothing in the profiles topic opens.
 */
class ProfileCliTest {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    private static final String MASTER = Base64.getEncoder().encodeToString(new byte[32]);

    private record Run(int status, String out, String err) {}

    private static Run seal(String input, Map<String, String> env, String... extra) {
        return seal("cli", input, env, extra);
    }

    private static Run seal(String prefix, String input, Map<String, String> env, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "seal",
                "--kafka.bootstrap-servers",
                KAFKA.broker().bootstrapServers(),
                "--topic",
                prefix + ".profiles",
                "--user-keys",
                prefix + ".user-keys",
                "--master-key-id",
                "m1"));
        args.addAll(List.of(extra));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ProfileCli.run(
                args.toArray(String[]::new),
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                env::get);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static EncryptionSettings encryption() {
        return encryption("cli");
    }

    private static EncryptionSettings encryption(String prefix) {
        String bootstrap = KAFKA.broker().bootstrapServers();
        String keys = prefix + ".user-keys";
        return new EncryptionSettings(true, "m1", MASTER, () -> new KafkaUserKeyTopic(bootstrap, keys, Map.of()));
    }

    @Test
    void sealsProfilesForTheJobAndAnErasureLeavesNothingReadable() throws Exception {
        KAFKA.broker().createTopic("cli.profiles", 1, true);
        KAFKA.broker().createTopic("cli.user-keys", 1, true);
        String input = String.join(
                "\n",
                "{\"userId\":\"c-1\",\"email\":\"clara.cipherova@example.com\",\"name\":\"Clara Cipherova\","
                        + "\"locale\":\"de\",\"consent\":true,\"updatedAt\":5}",
                "{\"userId\":\"c-2\",\"email\":\"dmitri.dark@example.com\",\"consent\":false}",
                "{\"userId\":\"c-3\",\"email\":\"not-an-address\",\"name\":\"Nope\"}",
                "");
        Run r = seal(input, Map.of(LocalKeyManagementService.MASTER_KEY_ENV, MASTER));
        assertThat(r.status()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("published 2, rejected 1");
        assertThat(r.err()).contains("line 3", "c-3", "no valid 'email'").doesNotContain("not-an-address");
        assertThat(r.out() + r.err())
                .doesNotContain("clara")
                .doesNotContain("dmitri")
                .doesNotContain(MASTER);

        List<ConsumerRecord<byte[], byte[]>> published = KAFKA.broker().readAll("cli.profiles");
        assertThat(published).hasSize(2);
        String topic = text(published);
        assertThat(topic).doesNotContain("clara").doesNotContain("Cipherova").doesNotContain("dmitri");
        assertThat(topic).contains("\"locale\":\"de\"", "\"updatedAt\":5", "mfe1.");
        assertThat(new String(published.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("c-1");
        assertThat(KAFKA.broker().readAll("cli.user-keys")).hasSize(2);

        // the job's parser takes them as they are and they open under the users' keys
        List<ContactUpdate> updates = parse(published);
        assertThat(updates).hasSize(2);
        try (PersonalDataCipher job = encryption().open()) {
            assertThat(job.decrypt(
                            "c-1",
                            PersonalDataCipher.EMAIL,
                            updates.get(0).profile().email()))
                    .isEqualTo("clara.cipherova@example.com");
            assertThat(job.decrypt(
                            "c-1",
                            PersonalDataCipher.NAME,
                            updates.get(0).profile().name()))
                    .isEqualTo("Clara Cipherova");
            // a second run reuses the user's key
            seal(input.lines().findFirst().orElseThrow(), Map.of(LocalKeyManagementService.MASTER_KEY_ENV, MASTER));
            assertThat(KAFKA.broker().readAll("cli.user-keys")).hasSize(2);

            job.erase("c-1");
        }
        // after the erasure no sealed value of the user in the profiles topic opens, and the job refuses them
        List<ConsumerRecord<byte[], byte[]>> after = KAFKA.broker().readAll("cli.profiles");
        List<DeadLetter> dead = new ArrayList<>();
        List<ContactUpdate> replayed = parse(after, dead);
        assertThat(replayed).extracting(ContactUpdate::userId).containsOnly("c-2");
        assertThat(dead).hasSize(2).allSatisfy(d -> assertThat(d.reason()).contains("c-1", "does not open"));
    }

    @Test
    void withPseudonymsTheKeysAreTheJobsPseudonyms() throws Exception {
        KAFKA.broker().createTopic("clip.profiles", 1, true);
        KAFKA.broker().createTopic("clip.user-keys", 1, true);
        String key = "profile-cli-test-pseudonym-key-0123456789";
        Run r = seal(
                "clip",
                "{\"userId\":\"p-1\",\"email\":\"pia@example.com\",\"consent\":true}\n",
                Map.of(LocalKeyManagementService.MASTER_KEY_ENV, MASTER, "MAILFLOW_PSEUDONYM_KEY", key),
                "--pseudonym-key-id",
                "k1");
        assertThat(r.status()).as(r.err()).isZero();
        List<ConsumerRecord<byte[], byte[]>> mine = KAFKA.broker().readAll("clip.profiles").stream()
                .filter(c -> "p-1".equals(new String(c.key(), StandardCharsets.UTF_8)))
                .toList();
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(new ParseProfilesFunction(
                Duration.ofHours(1), new PseudonymSettings(true, "k1", key), encryption("clip")))) {
            h.processElement(
                    RawRecord.of("cli.profiles", 0, new String(mine.get(0).value(), StandardCharsets.UTF_8)), 0);
            assertThat(h.extractOutputValues())
                    .singleElement()
                    .satisfies(u -> assertThat(u.userId()).startsWith("k1_"));
        }
    }

    @Test
    void refusesAMissingMasterKeyAndUnknownOptions() {
        Run noKey = seal("", Map.of());
        assertThat(noKey.status()).isEqualTo(2);
        assertThat(noKey.err()).contains(LocalKeyManagementService.MASTER_KEY_ENV);
        Run unknown = seal("", Map.of(LocalKeyManagementService.MASTER_KEY_ENV, MASTER), "--bogus", "1");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("--bogus");
    }

    private static List<ContactUpdate> parse(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        return parse(records, new ArrayList<>());
    }

    private static List<ContactUpdate> parse(List<ConsumerRecord<byte[], byte[]>> records, List<DeadLetter> dead)
            throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(
                new ParseProfilesFunction(Duration.ofHours(1), PseudonymSettings.DISABLED, encryption()))) {
            long offset = 0;
            for (ConsumerRecord<byte[], byte[]> c : records) {
                h.processElement(new RawRecord("cli.profiles", 0, offset++, 0L, c.key(), c.value()), 0);
            }
            var side = h.getSideOutput(Tags.DEAD_LETTERS);
            if (side != null) {
                side.forEach(s -> dead.add(s.getValue()));
            }
            return new ArrayList<>(h.extractOutputValues());
        }
    }

    private static String text(List<ConsumerRecord<byte[], byte[]>> records) {
        StringBuilder b = new StringBuilder();
        records.forEach(
                c -> b.append(new String(c.value(), StandardCharsets.UTF_8)).append('\n'));
        return b.toString();
    }
}
