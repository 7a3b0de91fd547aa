package io.mailflow.tools.backfill;

import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.job.MailflowJob;
import io.mailflow.job.PipelineSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A backfill: history replayed through the production topology (sessions, features, segments, propensity,
 * recommendations, campaign triggers and guardrails) as fast as the machine allows, with the job in dry-run
 * (every decision recorded in {@code topic.decisions}, nothing rendered to a relay), then stopped with a
 * savepoint once it has read every input topic up to where it ended when the backfill began. The live job
 * starts from that savepoint: models, features and per-user state warm, the Kafka offsets where the backfill
 * stopped, and the would-be sends of the backfill counted by the frequency caps, so day one does not e-mail a
 * month of old triggers (the live job's stale-trigger guard drops the rest).
 *
 * <p>The backfill reads with its own consumer group ({@code kafka.group-id} + {@code -backfill}) and starts
 * at {@code kafka.start-from} (an instant, or earliest). It knows it has caught up from the offsets its
 * sources commit at each checkpoint, compared with the topics' end offsets taken before it started; records
 * published after that are left to the live job. Canonical savepoints restore on any state backend, so a
 * backfill run with the heap backend starts a job that runs on RocksDB.
 */
public final class Backfill {
    private Backfill() {}

    /** Where the backfill ended. */
    public record Result(String savepoint, long records, long millis) {}

    /** Defines and starts the backfill's job on an environment (the production topology by default). */
    @FunctionalInterface
    public interface Starter {
        JobClient start(StreamExecutionEnvironment env) throws Exception;
    }

    /** The group suffixes of {@link MailflowJob#kafkaSources}: the input topics and their consumer groups. */
    static Map<String, String> inputs(MailflowConfig c) {
        Map<String, String> topics = new HashMap<>();
        String group = c.get(MailflowOptions.KAFKA_GROUP_ID);
        topics.put(c.get(MailflowOptions.TOPIC_EVENTS), group);
        topics.put(c.get(MailflowOptions.TOPIC_PROFILES), group + "-profiles");
        topics.put(c.get(MailflowOptions.TOPIC_SUPPRESSIONS), group + "-suppressions");
        topics.put(c.get(MailflowOptions.TOPIC_ENGAGEMENT), group + "-engagement");
        topics.put(c.get(MailflowOptions.TOPIC_CAMPAIGNS), group + "-campaigns");
        if (!c.get(MailflowOptions.TOPIC_CATALOG).isEmpty()) {
            topics.put(c.get(MailflowOptions.TOPIC_CATALOG), group + "-catalog");
        }
        // the variant totals topic is the job's own feedback loop: it grows while the backfill runs
        return topics;
    }

    /** The live job's configuration turned into the backfill's: dry-run, unbounded, its own consumer group. */
    public static MailflowConfig backfillConfig(MailflowConfig live, String startFrom) {
        return live.toBuilder()
                .set(MailflowOptions.DRY_RUN, true)
                .set(MailflowOptions.BOUNDED, false)
                .set(MailflowOptions.KAFKA_START_FROM, startFrom)
                .set(MailflowOptions.KAFKA_GROUP_ID, live.get(MailflowOptions.KAFKA_GROUP_ID) + "-backfill")
                .build();
    }

    /**
     * Runs a backfill on {@code env} (checkpointing is set to {@code poll}) and returns its savepoint.
     *
     * @param savepointDir where the savepoint goes: a URI (file:///..., s3://...) or a path on the client
     *
     * @param config the backfill's configuration ({@link #backfillConfig})
     * @param poll how often offsets are committed (checkpoints) and compared
     * @param timeout the backfill is cancelled, without a savepoint, when it has not caught up by then
     */
    public static Result run(
            StreamExecutionEnvironment env,
            MailflowConfig config,
            String savepointDir,
            Duration poll,
            Duration timeout,
            Consumer<String> log)
            throws Exception {
        return run(env, config, e -> MailflowJob.start(e, config), savepointDir, poll, timeout, log);
    }

    /** As {@link #run(StreamExecutionEnvironment, MailflowConfig, Path, Duration, Duration, Consumer)}, with the
     * job started by {@code starter} (a topology built from the same configuration, e.g. with a fixed clock). */
    public static Result run(
            StreamExecutionEnvironment env,
            MailflowConfig config,
            Starter starter,
            String savepointDir,
            Duration poll,
            Duration timeout,
            Consumer<String> log)
            throws Exception {
        if (!config.get(MailflowOptions.DRY_RUN)) {
            throw new IllegalArgumentException("a backfill runs in dry-run (use backfillConfig)");
        }
        long started = System.currentTimeMillis();
        Properties admin = PipelineSettings.kafkaSecurity(config).applyTo(new Properties());
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(MailflowOptions.KAFKA_BOOTSTRAP));
        try (Admin kafka = Admin.create(admin)) {
            Map<String, String> inputs = inputs(config);
            Map<TopicPartition, Long> ends = endOffsets(kafka, inputs.keySet());
            long total = ends.values().stream().mapToLong(Long::longValue).sum();
            log.accept("backfill: " + ends.size() + " partitions of " + inputs.size() + " input topics, from "
                    + config.get(MailflowOptions.KAFKA_START_FROM) + ", up to offsets summing to " + total);
            env.enableCheckpointing(poll.toMillis());
            JobClient job = starter.start(env);
            try {
                long deadline = started + timeout.toMillis();
                while (true) {
                    // a status poll, not a wait for a test condition: the job commits offsets at each checkpoint
                    Thread.sleep(poll.toMillis());
                    if (job.getJobStatus().get().isGloballyTerminalState()) {
                        throw new IllegalStateException(
                                "the backfill job ended: " + job.getJobStatus().get());
                    }
                    long behind = behind(kafka, inputs, ends);
                    if (behind == 0) {
                        break;
                    }
                    if (System.currentTimeMillis() > deadline) {
                        throw new IllegalStateException(
                                "the backfill did not catch up within " + timeout + " (" + behind + " records behind)");
                    }
                    log.accept("backfill: " + behind + " records to go");
                }
                String savepoint = job.stopWithSavepoint(false, savepointDir, SavepointFormatType.CANONICAL)
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                long millis = System.currentTimeMillis() - started;
                log.accept("backfill: caught up in " + millis + " ms; savepoint " + savepoint);
                return new Result(savepoint, total, millis);
            } catch (Exception | Error e) {
                job.cancel();
                throw e;
            }
        }
    }

    static Map<TopicPartition, Long> endOffsets(Admin kafka, java.util.Collection<String> topics) throws Exception {
        List<TopicPartition> partitions = new ArrayList<>();
        var described = kafka.describeTopics(topics).allTopicNames().get();
        described.forEach((topic, d) ->
                d.partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition()))));
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        partitions.forEach(tp -> earliest.put(tp, OffsetSpec.earliest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end =
                kafka.listOffsets(latest).all().get();
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> begin =
                kafka.listOffsets(earliest).all().get();
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TopicPartition tp : partitions) {
            // an empty partition (or one emptied by retention) has nothing to catch up with
            if (end.get(tp).offset() > begin.get(tp).offset()) {
                out.put(tp, end.get(tp).offset());
            }
        }
        return out;
    }

    /** Records between the offsets the backfill's groups committed and the end offsets taken at the start. */
    static long behind(Admin kafka, Map<String, String> inputs, Map<TopicPartition, Long> ends) throws Exception {
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
        for (String group : new java.util.HashSet<>(inputs.values())) {
            committed.put(
                    group,
                    kafka.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata()
                            .get());
        }
        long behind = 0;
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(inputs.get(e.getKey().topic())).get(e.getKey());
            long at = c == null ? 0 : c.offset();
            behind += Math.max(0, e.getValue() - at);
        }
        return behind;
    }
}
