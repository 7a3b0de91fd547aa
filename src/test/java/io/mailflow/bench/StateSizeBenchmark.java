package io.mailflow.bench;

import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.io.Json;
import io.mailflow.job.MailflowJob;
import io.mailflow.model.Event;
import io.mailflow.model.UserProfile;
import io.mailflow.testkit.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Bytes of keyed state per active user: runs the whole job over generated traffic of a known number of
 * users, waits until every event has been read (a marker record per partition reaches the dead-letter
 * topic), takes a canonical savepoint and divides its size by the number of users.
 *
 * <pre>mvn -q test-compile exec:exec -Drun.main=io.mailflow.bench.StateSizeBenchmark -Ddemo.args="--events 200000"</pre>
 */
public final class StateSizeBenchmark {
    private StateSizeBenchmark() {}

    public static void main(String[] args) throws Exception {
        int events = 200_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--events")) {
                events = Integer.parseInt(args[i + 1]);
            }
        }
        java.io.PrintStream console = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        EmbeddedKafka kafka = EmbeddedKafka.start();
        System.setOut(console);
        Path dir = Files.createTempDirectory("mailflow-state-bench");
        try {
            MailflowConfig c = MailflowConfig.builder()
                    .linkSecret("benchmark-link-secret-0123")
                    .set("kafka.bootstrap-servers", kafka.bootstrapServers())
                    .set("smtp.host", "127.0.0.1")
                    .set("smtp.port", "9")
                    .set("delivery.max-attempts", "1")
                    .set("delivery.ledger", "none")
                    .build();
            kafka.createTopics(c);
            List<Event> input = IngestBenchmark.generated(events);
            Set<String> users = new HashSet<>();
            input.forEach(e -> users.add(e.userId()));
            String events_ = c.get(MailflowOptions.TOPIC_EVENTS);
            try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
                for (String u : users) {
                    p.send(new ProducerRecord<>(
                            c.get(MailflowOptions.TOPIC_PROFILES),
                            bytes(u),
                            Json.toBytes(new UserProfile(u, u + "@example.com", "Shopper", "en", "UTC", true, 1))));
                }
                for (Event e : input) {
                    p.send(new ProducerRecord<>(events_, bytes(e.userId()), Json.toBytes(e)));
                }
                for (int partition = 0; partition < 2; partition++) {
                    p.send(new ProducerRecord<>(events_, partition, null, bytes("MARKER-" + partition)));
                }
            }
            say("published " + input.size() + " events of " + users.size() + " users");

            Configuration conf = new Configuration();
            conf.set(PipelineOptions.GENERIC_TYPES, false);
            conf.setString("taskmanager.numberOfTaskSlots", "2");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
            MailflowJob.define(env, c);
            JobClient job = env.executeAsync("state-size");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (markersSeen(kafka, c) < 2) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the job did not read all events in 10 minutes");
                }
                Thread.sleep(1000);
            }
            String savepoint = job.triggerSavepoint(dir.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(5, TimeUnit.MINUTES);
            job.cancel().get(1, TimeUnit.MINUTES);
            long bytes;
            try (Stream<Path> files = Files.walk(Path.of(java.net.URI.create(savepoint)))) {
                bytes = files.filter(Files::isRegularFile)
                        .mapToLong(p -> p.toFile().length())
                        .sum();
            }
            String report = String.format(
                    Locale.ROOT, """
                    | events | users | savepoint bytes | bytes per user |
                    |---|---|---|---|
                    | %d | %d | %d | %.0f |

                    (canonical savepoint of the whole job: keyed state of every operator, timers, model and buffers; measured %s)
                    """, input.size(), users.size(), bytes, (double) bytes / users.size(), Instant.now());
            Path out = Path.of("target/bench/state.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
            System.out.println(report);
        } finally {
            kafka.close();
        }
        System.exit(0);
    }

    private static int markersSeen(EmbeddedKafka kafka, MailflowConfig c) {
        return (int) kafka.readAll(c.get(MailflowOptions.TOPIC_DEAD_LETTERS)).stream()
                .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains("MARKER-"))
                .count();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void say(String s) {
        System.out.println("[bench] " + s);
    }
}
