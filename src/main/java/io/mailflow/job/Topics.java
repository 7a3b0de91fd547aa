package io.mailflow.job;

import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import java.util.List;

/**
 * Every Kafka topic the job reads or writes, with how it should be created. Used by the embedded demo,
 * the tests and the topic-creation step of docker-compose, so that they cannot drift apart.
 */
public final class Topics {
    private Topics() {}

    /** One topic: its name, partition count and whether it is compacted (latest value per key). */
    public record Spec(String name, int partitions, boolean compacted) {}

    public static List<Spec> all(MailflowConfig c) {
        List<Spec> all = new java.util.ArrayList<>(List.of(
                new Spec(c.get(MailflowOptions.TOPIC_EVENTS), 2, false),
                new Spec(c.get(MailflowOptions.TOPIC_PROFILES), 1, true),
                new Spec(c.get(MailflowOptions.TOPIC_SESSIONS), 2, false),
                new Spec(c.get(MailflowOptions.TOPIC_SEND_RESULTS), 2, false),
                new Spec(c.get(MailflowOptions.TOPIC_DEAD_LETTERS), 1, false),
                new Spec(c.get(MailflowOptions.TOPIC_LATE_EVENTS), 1, false),
                new Spec(c.get(MailflowOptions.TOPIC_SUPPRESSIONS), 1, true),
                new Spec(c.get(MailflowOptions.TOPIC_SEND_LEDGER), 1, true),
                new Spec(c.get(MailflowOptions.TOPIC_DELIVERY_AUDIT), 2, false),
                new Spec(c.get(MailflowOptions.TOPIC_SEGMENTS), 2, false),
                new Spec(c.get(MailflowOptions.TOPIC_SEGMENT_MODELS), 1, false),
                new Spec(c.get(MailflowOptions.TOPIC_SCORES), 2, false),
                new Spec(c.get(MailflowOptions.TOPIC_PROPENSITY_MODELS), 1, false),
                new Spec(c.get(MailflowOptions.TOPIC_MODEL_METRICS), 1, false),
                new Spec(c.get(MailflowOptions.TOPIC_ENGAGEMENT), 2, false),
                new Spec(c.get(MailflowOptions.TOPIC_CAMPAIGN_STATS), 1, false),
                new Spec(c.get(MailflowOptions.TOPIC_CAMPAIGN_STATS_DP), 1, false),
                new Spec(c.get(MailflowOptions.TOPIC_ENGAGEMENT_FEATURES), 2, false),
                new Spec(c.get(MailflowOptions.TOPIC_CAMPAIGNS), 1, true),
                new Spec(c.get(MailflowOptions.TOPIC_CAMPAIGN_STATUS), 1, false),
                new Spec(c.get(MailflowOptions.TOPIC_CAMPAIGN_EVENTS), 2, false),
                new Spec(c.get(MailflowOptions.TOPIC_DECISIONS), 2, false)));
        if (!c.get(MailflowOptions.TOPIC_VARIANT_STATS).isEmpty()) {
            all.add(new Spec(c.get(MailflowOptions.TOPIC_VARIANT_STATS), 1, true));
        }
        if (c.get(MailflowOptions.ENCRYPTION_ENABLED)) {
            all.add(new Spec(c.get(MailflowOptions.TOPIC_USER_KEYS), 1, true));
        }
        if (!c.get(MailflowOptions.TOPIC_UPLIFT_MODELS).isEmpty()) {
            all.add(new Spec(c.get(MailflowOptions.TOPIC_UPLIFT_MODELS), 1, true));
        }
        if (!c.get(MailflowOptions.TOPIC_CATALOG).isEmpty()) {
            all.add(new Spec(c.get(MailflowOptions.TOPIC_CATALOG), 2, true));
        }
        return List.copyOf(all);
    }
}
