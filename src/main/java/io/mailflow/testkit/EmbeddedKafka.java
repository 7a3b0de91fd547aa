package io.mailflow.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft Kafka broker running in this JVM (one combined broker/controller), for the
 * embedded demo and the integration tests. Not part of the deployable job.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;
    /** The bootstrap servers of a broker running elsewhere ({@link #connect}), or null. */
    private final String external;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
        this.external = null;
    }

    private EmbeddedKafka(String external) {
        this.cluster = null;
        this.external = external;
    }

    /**
     * The helpers of this class (topics, producer, {@link #readAll}) for a broker that runs elsewhere,
     * e.g. in a child JVM ({@link KafkaBrokerProcess}); {@link #stopBroker()} and {@link #startBroker()}
     * are not available and {@link #close()} leaves the broker alone.
     */
    public static EmbeddedKafka connect(String bootstrapServers) {
        return new EmbeddedKafka(bootstrapServers);
    }

    public static EmbeddedKafka start() throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build();
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "4")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                // Tests and scenarios write events at fixed instants in the past; time-based retention
                // would delete them (and the job's outputs, which carry event time) under a running test.
                .setConfigProp("log.retention.ms", "-1")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new EmbeddedKafka(cluster);
    }

    /**
     * Shuts the broker down (a controlled shutdown; the KRaft controller keeps running) until
     * {@link #startBroker()}: clients see a broker restart. For the reliability tests.
     */
    public void stopBroker() {
        requireInProcess();
        cluster.brokers().values().forEach(b -> {
            b.shutdown();
            b.awaitShutdown();
        });
    }

    /** Starts the broker again on the same port, with its log directories as it left them. */
    public void startBroker() {
        requireInProcess();
        cluster.brokers().values().forEach(b -> b.startup());
    }

    public String bootstrapServers() {
        return external != null ? external : cluster.bootstrapServers();
    }

    private void requireInProcess() {
        if (cluster == null) {
            throw new IllegalStateException("the broker at " + external + " does not run in this JVM");
        }
    }

    /** Creates a topic; {@code compacted} topics keep the latest value per key (profiles, campaigns). */
    public void createTopic(String name, int partitions, boolean compacted)
            throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            NewTopic t = new NewTopic(name, partitions, (short) 1);
            if (compacted) {
                t.configs(Map.of("cleanup.policy", "compact"));
            }
            admin.createTopics(List.of(t)).all().get();
        }
    }

    /** Creates every topic of the job's configuration (see {@link io.mailflow.job.Topics}). */
    public void createTopics(io.mailflow.config.MailflowConfig config) throws ExecutionException, InterruptedException {
        for (io.mailflow.job.Topics.Spec t : io.mailflow.job.Topics.all(config)) {
            createTopic(t.name(), t.partitions(), t.compacted());
        }
    }

    public KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p);
    }

    /** Reads every record currently in the topic (from the beginning to the current end). */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(pi -> new TopicPartition(topic, pi.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (!reached(c, end)) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static boolean reached(KafkaConsumer<?, ?> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    public Collection<String> topics() throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            return admin.listTopics().names().get();
        }
    }

    @Override
    public void close() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }
}
