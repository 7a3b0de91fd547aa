package io.mailflow.testing;

import io.mailflow.config.MailflowOptions;
import io.mailflow.config.Option;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * For a failed live test: what every topic of the job says about the shoppers who did not get their e-mail
 * (as {@code ChaosScenario trace} does for the cluster runs), so that a failure in CI names its cause. Addresses
 * are masked.
 */
public final class ShopperTrace {
    private static final List<Option<String>> TOPICS = List.of(
            MailflowOptions.TOPIC_EVENTS,
            MailflowOptions.TOPIC_LATE_EVENTS,
            MailflowOptions.TOPIC_DEAD_LETTERS,
            MailflowOptions.TOPIC_SESSIONS,
            MailflowOptions.TOPIC_CAMPAIGN_EVENTS,
            MailflowOptions.TOPIC_DECISIONS,
            MailflowOptions.TOPIC_SEND_RESULTS,
            MailflowOptions.TOPIC_SEND_LEDGER,
            MailflowOptions.TOPIC_DELIVERY_AUDIT);
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+");
    private static final int MAX_USERS = 5;
    private static final int MAX_CHARS = 300;

    private ShopperTrace() {}

    /** The records that name each of (at most five of) {@code userIds}, topic by topic. */
    public static String of(io.mailflow.testkit.EmbeddedKafka kafka, PipelineFixture f, Collection<String> userIds) {
        StringBuilder out = new StringBuilder();
        out.append(userIds.size()).append(" shopper(s) without an e-mail: ").append(userIds);
        try {
            for (Option<String> topic : TOPICS) {
                List<ConsumerRecord<byte[], byte[]>> records = kafka.readAll(f.topic(topic));
                for (String user : userIds.stream().limit(MAX_USERS).toList()) {
                    String needle = "\"" + user + "\"";
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        String text = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
                        if (text.contains(needle)) {
                            String masked = ADDRESS.matcher(text).replaceAll("<address>");
                            out.append("\n  ")
                                    .append(user)
                                    .append(" in ")
                                    .append(f.topic(topic))
                                    .append(" (p")
                                    .append(r.partition())
                                    .append(", ts ")
                                    .append(r.timestamp())
                                    .append("): ")
                                    .append(
                                            masked.length() > MAX_CHARS
                                                    ? masked.substring(0, MAX_CHARS) + "..."
                                                    : masked);
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            out.append("\n  (trace incomplete: ").append(e).append(')');
        }
        return out.toString();
    }
}
