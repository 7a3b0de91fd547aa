package io.mailflow.tools.cli;

import io.mailflow.io.KafkaUserKeyTopic;
import io.mailflow.privacy.LocalKeyManagementService;
import io.mailflow.privacy.MasterKeyRotation;
import io.mailflow.privacy.UserKeyTopic;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * Re-wraps the per-user data keys of the key topic under a new master key (docs/privacy.md, "Master key rotation").
 * The new master key is in {@code MAILFLOW_MASTER_KEY} under {@code --master-key-id}, the old one in
 * {@code MAILFLOW_MASTER_KEY_PREVIOUS} as {@code <id>:<base64>}. Run it while the job is stopped.
 *
 * <pre>
 * MAILFLOW_MASTER_KEY=... MAILFLOW_MASTER_KEY_PREVIOUS=m1:... java -cp mailflow-tools.jar io.mailflow.tools.cli.UserKeysCli \
 *     rewrap --kafka.bootstrap-servers broker:9092 --topic mailflow.user-keys --master-key-id m2 [--kafka.security.protocol ...]
 * </pre>
 *
 * Prints the counts only, never a user or a key. Exit status: 0 done, 1 some keys could not be unwrapped, 2 usage or
 * key error.
 */
public final class UserKeysCli {
    private UserKeysCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System::getenv));
    }

    public static int run(String[] args, PrintStream out, PrintStream err, UnaryOperator<String> env) {
        if (args.length == 0 || !args[0].equals("rewrap")) {
            return usage(err, "the only command is rewrap");
        }
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                return usage(err, "unknown or incomplete option " + args[i]);
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        String bootstrap = opts.get("kafka.bootstrap-servers");
        String topic = opts.get("topic");
        String masterKeyId = opts.get("master-key-id");
        if (bootstrap == null || topic == null || masterKeyId == null) {
            return usage(err, "--kafka.bootstrap-servers, --topic and --master-key-id are required");
        }
        LocalKeyManagementService kms;
        Properties security = new Properties();
        try {
            kms = LocalKeyManagementService.fromEnvironment(masterKeyId, env);
            opts.remove("topic");
            opts.remove("master-key-id");
            KafkaClientOptions.security(opts, env).applyTo(security);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        Map<String, String> props = new LinkedHashMap<>();
        security.forEach((k, v) -> props.put(k.toString(), v.toString()));
        try (UserKeyTopic keys = new KafkaUserKeyTopic(bootstrap, topic, props)) {
            MasterKeyRotation.Result r = MasterKeyRotation.rewrap(keys, kms);
            out.println("rewrapped " + r.rewrapped() + ", already under " + masterKeyId + " " + r.current()
                    + ", erased " + r.erased() + ", unreadable " + r.unreadable());
            return r.unreadable() == 0 ? 0 : 1;
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println(problem);
        err.println("usage: UserKeysCli rewrap --kafka.bootstrap-servers HOSTS --topic TOPIC --master-key-id NEW_ID"
                + " [--kafka.* security options]");
        err.println("       new master key in " + LocalKeyManagementService.MASTER_KEY_ENV + ", the old one in "
                + LocalKeyManagementService.PREVIOUS_MASTER_KEY_ENV + " as <id>:<base64>; run with the job stopped");
        return 2;
    }
}
