package io.mailflow.tools.cli;

import io.mailflow.config.MailflowConfig;
import io.mailflow.io.KafkaSecurity;
import io.mailflow.job.PipelineSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * The Kafka security options of a command-line tool: the job's own {@code kafka.*} options
 * ({@code --kafka.security.protocol sasl_ssl --kafka.sasl.mechanism scram-sha-512
 * --kafka.ssl.truststore-location /etc/mailflow/truststore.p12}), parsed and checked by the job's parser, with
 * the secrets from the same environment variables as the job.
 */
public final class KafkaClientOptions {
    private KafkaClientOptions() {}

    /** The security settings from the {@code kafka.*} entries of {@code opts} (keys without the leading dashes). */
    public static KafkaSecurity security(Map<String, String> opts, UnaryOperator<String> getenv) {
        List<String> args = new ArrayList<>();
        opts.forEach((k, v) -> {
            if (k.startsWith("kafka.")) {
                args.add("--" + k);
                args.add(v);
            }
        });
        KafkaSecurity s = PipelineSettings.kafkaSecurity(MailflowConfig.fromArgs(args.toArray(String[]::new)));
        s.requireEnvironment(getenv);
        return s;
    }

    /** Adds the security properties to a client's {@code props}. */
    public static Properties apply(Map<String, String> opts, Properties props) {
        return security(opts, System::getenv).applyTo(props);
    }
}
