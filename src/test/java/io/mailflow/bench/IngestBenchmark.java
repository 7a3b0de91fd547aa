package io.mailflow.bench;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.io.Json;
import io.mailflow.job.MailflowJob;
import io.mailflow.model.Event;
import io.mailflow.model.UserProfile;
import io.mailflow.testkit.EmbeddedKafka;
import io.mailflow.tools.demo.ShoppingTrafficGenerator;
import io.mailflow.tools.importer.CsvFormat;
import io.mailflow.tools.importer.CsvImporter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * End-to-end ingest throughput of the whole job (parse, dedup, sessions, features, k-means, FTRL,
 * triggers, rendering, SMTP delivery to a local sink, Kafka sinks) against Kafka's own consumer
 * performance tool reading the same topic in the same run, and parallelism 2 against 1.
 *
 * <pre>mvn -q test-compile exec:exec -Drun.main=io.mailflow.bench.IngestBenchmark -Ddemo.args="--events 300000"
 * mvn -q test-compile exec:exec -Drun.main=io.mailflow.bench.IngestBenchmark -Ddemo.args="--replay ../shared/data --copies 6"</pre>
 */
public final class IngestBenchmark {
    private IngestBenchmark() {}

    public static void main(String[] args) throws Exception {
        int events = 300_000;
        String replay = null;
        int copies = 6;
        Path out = Path.of("target/bench/ingest.md");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--events" -> events = Integer.parseInt(args[i + 1]);
                case "--replay" -> replay = args[i + 1];
                case "--copies" -> copies = Integer.parseInt(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        java.io.PrintStream console = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        EmbeddedKafka kafka = EmbeddedKafka.start();
        System.setOut(console);
        // postfix's smtp-sink when installed (GreenMail's mailbox store costs more CPU than the job's own stages)
        SmtpSink sink = java.nio.file.Files.isExecutable(SmtpSink.BINARY) ? new SmtpSink() : null;
        GreenMail smtp = null;
        if (sink == null) {
            smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            smtp.start();
        }
        int smtpPort = sink != null ? sink.port() : smtp.getSmtp().getPort();
        say("SMTP: " + (sink != null ? "postfix smtp-sink" : "GreenMail") + " on 127.0.0.1:" + smtpPort);
        try {
            MailflowConfig base = MailflowConfig.builder()
                    .linkSecret("benchmark-link-secret-0123")
                    .set("kafka.bootstrap-servers", kafka.bootstrapServers())
                    .set("job.bounded", "true")
                    .set("job.end-of-input", "end-of-time")
                    .set("smtp.host", "127.0.0.1")
                    .set("smtp.port", Integer.toString(smtpPort))
                    .set("ingest.max-out-of-orderness", "1min")
                    .build();
            kafka.createTopics(base);
            List<Event> input = replay == null ? generated(events) : replayed(Path.of(replay), copies);
            String source = replay == null
                    ? "generated (" + input.size() + " events)"
                    : "replayed ../shared/data x" + copies + " (" + input.size() + " events)";
            say("publishing " + source);
            publish(kafka, base, input);
            eventCount = input.size();

            double tool =
                    consumerPerfTest(kafka.bootstrapServers(), base.get(MailflowOptions.TOPIC_EVENTS), input.size());
            say(String.format(Locale.ROOT, "kafka-consumer-perf-test: %,.0f events/s", tool));
            double p1 = runJob(base, 1, "p1");
            say(String.format(Locale.ROOT, "mailflow p=1: %,.0f events/s", p1));
            double p2 = runJob(base, 2, "p2");
            say(String.format(Locale.ROOT, "mailflow p=2: %,.0f events/s", p2));
            String report = String.format(Locale.ROOT, """
                    | run (%s) | events/s |
                    |---|---|
                    | Kafka consumer performance tool (same topic, same run) | %.0f |
                    | Mailflow job, all stages, parallelism 1 | %.0f |
                    | Mailflow job, all stages, parallelism 2 | %.0f |

                    p2 / tool = %.2f; p2 / p1 = %.2f (measured %s)
                    """, source, tool, p1, p2, p2 / tool, p2 / p1, Instant.now());
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
            System.out.println();
            System.out.println(report);
        } finally {
            if (smtp != null) {
                smtp.stop();
            }
            if (sink != null) {
                sink.close();
            }
            kafka.close();
        }
        System.exit(0);
    }

    static List<Event> generated(int n) {
        long start = System.currentTimeMillis() - TimeUnit.DAYS.toMillis(3);
        ShoppingTrafficGenerator g = new ShoppingTrafficGenerator(11L, 60_000, 5_000, start, 50.0);
        List<Event> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(g.next());
        }
        return out;
    }

    /** Both public logs, each copy with its own user ids, event ids and a later time range. */
    static List<Event> replayed(Path data, int copies) throws Exception {
        List<Event> base = new ArrayList<>();
        base.addAll(new CsvImporter(CsvFormat.named("taobao"))
                .readAll(data.resolve("taobao-userbehavior/UserBehavior-2017-11-26T01.csv")));
        base.addAll(new CsvImporter(CsvFormat.named("rees46")).readAll(data.resolve("rees46/2019-Oct-head17k.csv")));
        List<Event> out = new ArrayList<>(base.size() * copies);
        for (int c = 0; c < copies; c++) {
            long shift = c * TimeUnit.DAYS.toMillis(1);
            for (Event e : base) {
                out.add(new Event(
                        e.eventId() + "-c" + c,
                        e.userId() + "-c" + c,
                        e.sessionId(),
                        e.type(),
                        e.itemId(),
                        e.categoryId(),
                        e.price(),
                        e.quantity(),
                        e.currency(),
                        e.query(),
                        e.timestamp() + shift));
            }
        }
        return out;
    }

    static void publish(EmbeddedKafka kafka, MailflowConfig c, List<Event> events) throws Exception {
        Set<String> users = new HashSet<>();
        try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
            for (Event e : events) {
                if (users.add(e.userId())) {
                    UserProfile profile = new UserProfile(
                            e.userId(), "u" + users.size() + "@example.com", "Shopper", "en", "UTC", true, 1);
                    p.send(new ProducerRecord<>(
                            c.get(MailflowOptions.TOPIC_PROFILES), key(e.userId()), Json.toBytes(profile)));
                }
                p.send(new ProducerRecord<>(c.get(MailflowOptions.TOPIC_EVENTS), key(e.userId()), Json.toBytes(e)));
            }
        }
    }

    /** Kafka's own kafka-consumer-perf-test (ConsumerPerformance) in a child JVM, reading the whole topic. */
    static double consumerPerfTest(String bootstrap, String topic, int messages) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "org.apache.kafka.tools.ConsumerPerformance",
                        "--bootstrap-server",
                        bootstrap,
                        "--topic",
                        topic,
                        "--messages",
                        Integer.toString(messages),
                        "--group",
                        "perf-" + System.nanoTime())
                .redirectErrorStream(false)
                .start();
        double rate = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            List<String> lines = new ArrayList<>();
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
            p.waitFor(5, TimeUnit.MINUTES);
            // the tool prints a header line and one summary line below it; find nMsg.sec
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).contains("nMsg.sec")) {
                    String[] header = lines.get(i).split(",\\s*");
                    String[] values = lines.get(i + 1).split(",\\s*");
                    for (int k = 0; k < header.length && k < values.length; k++) {
                        if (header[k].trim().equals("nMsg.sec")) {
                            rate = Double.parseDouble(values[k].trim());
                        }
                    }
                }
            }
            if (rate < 0) {
                throw new IllegalStateException("cannot read the tool's output: " + lines);
            }
        }
        return rate;
    }

    static double runJob(MailflowConfig base, int parallelism, String group) throws Exception {
        MailflowConfig c = base.toBuilder()
                .set("kafka.group-id", "bench-" + group)
                .set("delivery.ledger", "none")
                .build();
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.setString("taskmanager.numberOfTaskSlots", "2");
        conf.setString("taskmanager.memory.managed.size", "256m");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        MailflowJob.define(env, c);
        long t0 = System.nanoTime();
        JobExecutionResult r = env.execute("ingest-bench-" + group);
        long wall = System.nanoTime() - t0;
        long events = eventCount; // a bounded job reads the whole topic
        say(String.format(
                Locale.ROOT, "p=%d: net runtime %d ms, wall %d ms", parallelism, r.getNetRuntime(), wall / 1_000_000));
        return events / (r.getNetRuntime() / 1000.0);
    }

    private static long eventCount;

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void say(String s) {
        System.out.println("[bench] " + s);
    }
}
