package io.mailflow.tracking;

import io.mailflow.email.EmailComposer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tracking service's options, from its command line ({@code --name value}). The topic defaults are the job's
 * ({@code topic.engagement}, {@code topic.suppressions}) and the key id default is the job's
 * ({@code email.link-key-id}); {@code TrackingSettingsTest} keeps them equal. Secrets are not options: the link
 * secret comes from {@code MAILFLOW_LINK_SECRET} and the previous key from {@code MAILFLOW_LINK_SECRET_PREVIOUS},
 * as on the task managers.
 *
 * @param bind the address to listen on
 * @param port the HTTP port (0: any free port)
 * @param bootstrapServers Kafka
 * @param engagementTopic where clicks, opens and unsubscribes go (the job's {@code topic.engagement})
 * @param suppressionsTopic where unsubscribes also go (the job's {@code topic.suppressions})
 * @param spoolDir the on-disk spool for events Kafka did not take
 * @param spoolMaxBytes the spool's bound; events beyond it are dropped and counted
 * @param linkKeyId the id of the current link secret (the job's {@code email.link-key-id})
 * @param deliveryTimeout how long the producer tries a record before it goes to the spool
 */
public record TrackingSettings(
        String bind,
        int port,
        String bootstrapServers,
        String engagementTopic,
        String suppressionsTopic,
        Path spoolDir,
        long spoolMaxBytes,
        String linkKeyId,
        Duration deliveryTimeout) {

    public static final String DEFAULT_ENGAGEMENT_TOPIC = "mailflow.engagement";
    public static final String DEFAULT_SUPPRESSIONS_TOPIC = "mailflow.suppressions";

    /** Every option with its default, in the order of the usage text. */
    static final List<String[]> OPTIONS = List.of(
            new String[] {"bind", "0.0.0.0", "address to listen on"},
            new String[] {"port", "8090", "HTTP port"},
            new String[] {"bootstrap-servers", "localhost:9092", "Kafka bootstrap servers"},
            new String[] {"engagement-topic", DEFAULT_ENGAGEMENT_TOPIC, "the job's topic.engagement"},
            new String[] {"suppressions-topic", DEFAULT_SUPPRESSIONS_TOPIC, "the job's topic.suppressions"},
            new String[] {"spool-dir", "tracking-spool", "directory of the on-disk spool"},
            new String[] {"spool-max-bytes", "268435456", "bound of the spool (256 MiB)"},
            new String[] {"link-key-id", EmailComposer.DEFAULT_LINK_KEY_ID, "the job's email.link-key-id"},
            new String[] {"delivery-timeout", "30s", "producer delivery timeout before a record is spooled"});

    public TrackingSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0 to 65535");
        }
        if (spoolMaxBytes < 1 << 20) {
            throw new IllegalArgumentException("--spool-max-bytes must be at least 1048576 (1 MiB)");
        }
        if (deliveryTimeout.toMillis() < 1000) {
            throw new IllegalArgumentException("--delivery-timeout must be at least 1s");
        }
    }

    /** Parses {@code --name value} pairs; unknown names are an error. */
    public static TrackingSettings parse(String... args) {
        Map<String, String> v = new HashMap<>();
        OPTIONS.forEach(o -> v.put(o[0], o[1]));
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (!v.containsKey(name) || i + 1 >= args.length) {
                throw new IllegalArgumentException("Unknown option or missing value: " + args[i] + "\n" + usage());
            }
            v.put(name, args[i + 1]);
        }
        return new TrackingSettings(
                v.get("bind"),
                Integer.parseInt(v.get("port")),
                v.get("bootstrap-servers"),
                v.get("engagement-topic"),
                v.get("suppressions-topic"),
                Path.of(v.get("spool-dir")),
                Long.parseLong(v.get("spool-max-bytes")),
                v.get("link-key-id"),
                duration(v.get("delivery-timeout")));
    }

    public static String usage() {
        StringBuilder sb = new StringBuilder("Options (environment: " + EmailComposer.LINK_SECRET_ENV
                + " required, MAILFLOW_LINK_SECRET_PREVIOUS optional):\n");
        OPTIONS.forEach(o -> sb.append(String.format("  --%-20s %s (default %s)%n", o[0], o[2], o[1])));
        return sb.toString();
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|min|m|h)");

    static Duration duration(String s) {
        Matcher m = DURATION.matcher(s.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("Not a duration (e.g. 500ms, 30s, 2min): " + s);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofMinutes(n);
        };
    }
}
