package io.mailflow.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailflow.io.Json;
import io.mailflow.io.KafkaUserKeyTopic;
import io.mailflow.model.UserProfile;
import io.mailflow.privacy.KeyManagementService;
import io.mailflow.privacy.LocalKeyManagementService;
import io.mailflow.privacy.PersonalDataCipher;
import io.mailflow.privacy.Pseudonymizer;
import io.mailflow.privacy.UserKeys;
import io.mailflow.profiles.ProfileParser;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The shop's way to publish profiles already sealed (docs/privacy.md, "Sealed profiles from the shop"): reads plain
 * profile documents, one JSON object a line, from standard input, checks each as the job would, seals its
 * {@code email} and {@code name} under the user's data key, and publishes it to the profiles topic keyed by the
 * shop's user id, every other field as written. A user without a key gets one in the key topic first (written
 * durably before the profile). With pseudonyms on in the job, pass its key id: the keys and the ciphertexts are then
 * made for the pseudonym, as the job reads them ({@code MAILFLOW_PSEUDONYM_KEY} from the environment).
 *
 * <pre>
 * MAILFLOW_MASTER_KEY=... java -cp mailflow-tools.jar io.mailflow.tools.cli.ProfileCli seal \
 *     --kafka.bootstrap-servers broker:9092 --topic mailflow.profiles --user-keys mailflow.user-keys \
 *     --master-key-id m1 [--pseudonym-key-id p1] [--kafka.security.protocol ...] &lt; profiles.jsonl
 * </pre>
 *
 * Prints counts, and per rejected line its number and reason (a user id at most, never an address or a name).
 * Exit status: 0 all published, 1 some lines rejected, 2 usage or key error.
 */
public final class ProfileCli {
    private ProfileCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err, System::getenv));
    }

    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, UnaryOperator<String> env) {
        if (args.length == 0 || !args[0].equals("seal")) {
            return usage(err, "the only command is seal");
        }
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                return usage(err, "unknown or incomplete option " + args[i]);
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        String bootstrap = opts.remove("kafka.bootstrap-servers");
        String topic = opts.remove("topic");
        String keyTopic = opts.remove("user-keys");
        String masterKeyId = opts.remove("master-key-id");
        String pseudonymKeyId = opts.remove("pseudonym-key-id");
        if (bootstrap == null || topic == null || keyTopic == null || masterKeyId == null) {
            return usage(err, "--kafka.bootstrap-servers, --topic, --user-keys and --master-key-id are required");
        }
        for (String k : opts.keySet()) {
            if (!k.startsWith("kafka.")) {
                return usage(err, "unknown option --" + k);
            }
        }
        KeyManagementService kms;
        Pseudonymizer pseudonyms;
        Properties security = new Properties();
        try {
            kms = LocalKeyManagementService.fromEnvironment(masterKeyId, env);
            pseudonyms =
                    pseudonymKeyId == null ? null : Pseudonymizer.of(pseudonymKeyId, env.apply(Pseudonymizer.KEY_ENV));
            opts.put("kafka.bootstrap-servers", bootstrap);
            KafkaClientOptions.security(opts, env).applyTo(security);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        Map<String, String> securityMap = new LinkedHashMap<>();
        security.forEach((k, v) -> securityMap.put(k.toString(), v.toString()));
        Properties p = new Properties();
        p.putAll(security);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        ProfileParser parser = new ProfileParser();
        long published = 0;
        long rejected = 0;
        try (PersonalDataCipher cipher = new PersonalDataCipher(
                        new UserKeys(kms, new KafkaUserKeyTopic(bootstrap, keyTopic, securityMap)));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p);
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            long n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                byte[] raw = line.getBytes(StandardCharsets.UTF_8);
                String problem = problem(raw, parser);
                if (problem != null) {
                    err.println("line " + n + ": " + problem);
                    rejected++;
                    continue;
                }
                UserProfile plain = parser.parse(raw).profile();
                String keyUser = pseudonyms == null ? plain.userId() : pseudonyms.pseudonym(plain.userId());
                ObjectNode doc = (ObjectNode) Json.mapper().readTree(raw);
                doc.put("email", cipher.encryptCreatingKey(keyUser, PersonalDataCipher.EMAIL, plain.email()));
                if (plain.name().isEmpty()) {
                    doc.remove("name");
                } else {
                    doc.put("name", cipher.encryptCreatingKey(keyUser, PersonalDataCipher.NAME, plain.name()));
                }
                producer.send(new ProducerRecord<>(
                                topic,
                                plain.userId().getBytes(StandardCharsets.UTF_8),
                                Json.mapper().writeValueAsBytes(doc)))
                        .get();
                published++;
            }
        } catch (Exception e) {
            // only the type: a message could quote a record
            err.println(
                    "stopped after " + published + " published: " + e.getClass().getSimpleName());
            out.println("published " + published + ", rejected " + rejected);
            return 2;
        }
        out.println("published " + published + ", rejected " + rejected);
        return rejected == 0 ? 0 : 1;
    }

    /** Why a line cannot be sealed, or null: what the job's parser says, or that it is sealed already. */
    private static String problem(byte[] raw, ProfileParser parser) {
        ProfileParser.Result res = parser.parse(raw);
        if (res.error() != null) {
            return res.error();
        }
        if (PersonalDataCipher.isEncrypted(res.profile().email())
                || PersonalDataCipher.isEncrypted(res.profile().name())) {
            return "already sealed: give the plain profile";
        }
        try {
            JsonNode n = Json.mapper().readTree(raw);
            return n.isObject() ? null : "not a JSON object";
        } catch (java.io.IOException e) {
            return "malformed JSON profile";
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println(problem);
        err.println(
                "usage: ProfileCli seal --kafka.bootstrap-servers HOSTS --topic PROFILES_TOPIC --user-keys KEY_TOPIC"
                        + " --master-key-id ID [--pseudonym-key-id ID] [--kafka.* security options] < profiles.jsonl");
        err.println("       master key in " + LocalKeyManagementService.MASTER_KEY_ENV
                + "; with --pseudonym-key-id the job's pseudonym key in " + Pseudonymizer.KEY_ENV);
        return 2;
    }
}
