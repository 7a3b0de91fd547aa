package io.mailflow.bench;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.ingestion.IngestionStage;
import io.mailflow.io.Json;
import io.mailflow.job.KafkaIO;
import io.mailflow.job.MailflowJob;
import io.mailflow.job.PipelineSettings;
import io.mailflow.model.Event;
import io.mailflow.model.UserProfile;
import io.mailflow.sessions.SessionStage;
import io.mailflow.testkit.EmbeddedKafka;
import io.mailflow.tools.backfill.Backfill;
import io.mailflow.tools.demo.ShoppingTrafficGenerator;
import io.mailflow.tools.importer.CsvFormat;
import io.mailflow.tools.importer.CsvImporter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * End-to-end ingest throughput of the whole job (parse, dedup, sessions, features, k-means, FTRL,
 * triggers, rendering, SMTP delivery to a local sink, Kafka sinks) against Kafka's own consumer
 * performance tool reading the same topic in the same run, and parallelism 2 against 1.
 *
 * <p>Each of {@code --runs} runs measures the tool, then the job at parallelism 1 and 2 on the heap backend; the
 * first {@code --rocksdb-runs} runs add both on RocksDB, the first {@code --backfill-runs} a {@link Backfill} at
 * parallelism 2. A warm-up pass of the tool before the first run reads the whole topic once. {@code --floor-runs}
 * measures partial jobs (the Kafka source alone, the ingestion stage, ingestion and sessions) at parallelism 2: what
 * any job keyed by user must spend before its later stages.
 *
 * <pre>mvn -q test-compile exec:exec -Drun.main=io.mailflow.bench.IngestBenchmark -Ddemo.args="--events 2000000 --runs 3"
 * mvn -q test-compile exec:exec -Drun.main=io.mailflow.bench.IngestBenchmark -Ddemo.args="--replay ../shared/data --copies 6"</pre>
 */
public final class IngestBenchmark {
    private IngestBenchmark() {}

    public static void main(String[] args) throws Exception {
        int events = 300_000;
        String replay = null;
        int copies = 6;
        int runs = 3;
        int rocksdbRuns = 1;
        int backfillRuns = 1;
        int floorRuns = 0;
        boolean rocksdbP1 = true;
        Path out = Path.of("target/bench/ingest.md");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--events" -> events = Integer.parseInt(args[i + 1]);
                case "--replay" -> replay = args[i + 1];
                case "--copies" -> copies = Integer.parseInt(args[i + 1]);
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--rocksdb-runs" -> rocksdbRuns = Integer.parseInt(args[i + 1]);
                case "--backfill-runs" -> backfillRuns = Integer.parseInt(args[i + 1]);
                case "--floor-runs" -> floorRuns = Integer.parseInt(args[i + 1]);
                case "--rocksdb-p1" -> rocksdbP1 = Boolean.parseBoolean(args[i + 1]);
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
        Path work = Files.createTempDirectory("ingest-bench");
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
            input = null; // the job runs in this JVM: leave it the heap

            String topic = base.get(MailflowOptions.TOPIC_EVENTS);
            say(String.format(
                    Locale.ROOT,
                    "warm-up, not counted: kafka-consumer-perf-test %,.0f events/s",
                    consumerPerfTest(kafka.bootstrapServers(), topic, (int) eventCount)));
            StringBuilder floors = new StringBuilder();
            if (floorRuns > 0) {
                // the first jobs in this JVM run partly interpreted: one pass of each floor, not counted
                for (Floor f : Floor.values()) {
                    runFloor(base, 2, "warm-up-" + f.name().toLowerCase(Locale.ROOT), f);
                }
            }
            for (int run = 1; run <= floorRuns; run++) {
                double tool = consumerPerfTest(kafka.bootstrapServers(), topic, (int) eventCount);
                say(String.format(Locale.ROOT, "floor run %d: kafka-consumer-perf-test %,.0f events/s", run, tool));
                double read = runFloor(base, 2, "f" + run + "-read", Floor.READ);
                double ingest = runFloor(base, 2, "f" + run + "-ingest", Floor.INGEST);
                double sessions = runFloor(base, 2, "f" + run + "-sessions", Floor.SESSIONS);
                floors.append(String.format(
                        Locale.ROOT,
                        "| %d | %.0f | %.0f | %.3f | %.0f | %.3f | %.0f | %.3f |%n",
                        run,
                        tool,
                        read,
                        read / tool,
                        ingest,
                        ingest / tool,
                        sessions,
                        sessions / tool));
            }
            StringBuilder rows = new StringBuilder();
            List<double[]> ratios = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                double tool = consumerPerfTest(kafka.bootstrapServers(), topic, (int) eventCount);
                say(String.format(Locale.ROOT, "run %d: kafka-consumer-perf-test %,.0f events/s", run, tool));
                double p1 = runJob(base, 1, "r" + run + "-p1", false);
                double p2 = runJob(base, 2, "r" + run + "-p2", false);
                double r1 = Double.NaN;
                double r2 = Double.NaN;
                if (run <= rocksdbRuns) {
                    r1 = rocksdbP1 ? runJob(base, 1, "r" + run + "-rocksdb-p1", true) : Double.NaN;
                    r2 = runJob(base, 2, "r" + run + "-rocksdb-p2", true);
                }
                double bf = run <= backfillRuns ? backfill(base, 2, "r" + run, work) : Double.NaN;
                ratios.add(new double[] {p2 / tool, p2 / p1, r2 / tool, r2 / r1, bf / tool});
                rows.append(String.format(
                        Locale.ROOT,
                        "| %d | %.0f | %.0f | %.0f | **%.2f** | **%.2f** | %s | %s | %s | %s | %s |%n",
                        run,
                        tool,
                        p1,
                        p2,
                        p2 / tool,
                        p2 / p1,
                        cell(r1, "%.0f"),
                        cell(r2, "%.0f"),
                        cell(r2 / tool, "%.2f"),
                        cell(bf, "%.0f"),
                        cell(bf / tool, "%.2f")));
            }
            String report = String.format(
                    Locale.ROOT,
                    """
                    %s on the in-process KRaft broker, postfix smtp-sink, %s

                    | run | consumer tool (events/s) | heap p=1 | heap p=2 | heap p2 / tool | heap p2 / p1 | RocksDB p=1 | RocksDB p=2 | RocksDB p2 / tool | backfill p=2 (events/s) | backfill / tool |
                    |---|---|---|---|---|---|---|---|---|---|---|
                    %s
                    min / median / max: heap p2 / tool %s; heap p2 / p1 %s; RocksDB p2 / tool %s; RocksDB p2 / p1 %s; backfill / tool %s
                    %s""",
                    source,
                    Instant.now(),
                    rows,
                    spread(ratios, 0),
                    spread(ratios, 1),
                    spread(ratios, 2),
                    spread(ratios, 3),
                    spread(ratios, 4),
                    floors.isEmpty() ? "" : """

                            Floors at parallelism 2 (heap, after one uncounted pass of each): Flink's Kafka source alone, the ingestion stage (source, \
                            parse, the keyed exchange by user, de-duplication), and the ingestion stage with the \
                            session windows, each into a discarding sink:

                            | run | consumer tool | source only | / tool | ingestion stage | / tool | + sessions | / tool |
                            |---|---|---|---|---|---|---|---|
                            """ + floors);
            Files.createDirectories(out.toAbsolutePath().getParent());
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

    private static String cell(double v, String format) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, format, v);
    }

    /** min / median / max of one column over the runs that measured it. */
    private static String spread(List<double[]> rows, int column) {
        double[] v = rows.stream()
                .mapToDouble(r -> r[column])
                .filter(d -> !Double.isNaN(d))
                .sorted()
                .toArray();
        if (v.length == 0) {
            return "not measured";
        }
        return String.format(
                Locale.ROOT,
                "%.2f / %.2f / %.2f (%d run%s)",
                v[0],
                v[v.length / 2],
                v[v.length - 1],
                v.length,
                v.length == 1 ? "" : "s");
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

    static double runJob(MailflowConfig base, int parallelism, String group, boolean rocksdb) throws Exception {
        MailflowConfig c = base.toBuilder()
                .set("kafka.group-id", "bench-" + group)
                .set("delivery.ledger", "none")
                .build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf(rocksdb));
        MailflowJob.define(env, c);
        long t0 = System.nanoTime();
        JobExecutionResult r = env.execute("ingest-bench-" + group);
        long wall = System.nanoTime() - t0;
        long events = eventCount; // a bounded job reads the whole topic
        double rate = events / (r.getNetRuntime() / 1000.0);
        say(String.format(
                Locale.ROOT,
                "%s: %,.0f events/s (net runtime %d ms, wall %d ms)",
                group,
                rate,
                r.getNetRuntime(),
                wall / 1_000_000));
        return rate;
    }

    enum Floor {
        READ,
        INGEST,
        SESSIONS
    }

    /**
     * A lower bound on any job that keys the events by user: the same Kafka source and topic at the given
     * parallelism, through {@code floor}'s part of the pipeline into a discarding sink.
     */
    static double runFloor(MailflowConfig base, int parallelism, String group, Floor floor) throws Exception {
        MailflowConfig c =
                base.toBuilder().set("kafka.group-id", "bench-" + group).build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf(false));
        PipelineSettings settings = PipelineSettings.from(c);
        org.apache.flink.connector.kafka.source.KafkaSource<io.mailflow.model.RawRecord> source =
                KafkaIO.rawSource(c, c.get(MailflowOptions.TOPIC_EVENTS), "");
        if (floor == Floor.READ) {
            env.fromSource(source, org.apache.flink.api.common.eventtime.WatermarkStrategy.noWatermarks(), "events")
                    .sinkTo(new DiscardingSink<>());
        } else {
            DataStream<String> noErasures = env.fromData(List.of("none"))
                    .filter(x -> false)
                    .returns(org.apache.flink.api.common.typeinfo.Types.STRING);
            IngestionStage.Outputs in = IngestionStage.attach(env, source, noErasures, settings.ingestion());
            if (floor == Floor.INGEST) {
                in.events().sinkTo(new DiscardingSink<>());
            } else {
                SessionStage.attach(in.byUser(), settings.sessions()).sessions().sinkTo(new DiscardingSink<>());
            }
        }
        JobExecutionResult r = env.execute("ingest-floor-" + group);
        double rate = eventCount / (r.getNetRuntime() / 1000.0);
        say(String.format(Locale.ROOT, "%s: %,.0f events/s (net runtime %d ms)", group, rate, r.getNetRuntime()));
        return rate;
    }

    /**
     * A backfill ({@link Backfill}) of the same topic: the unbounded job in dry-run from the earliest offsets,
     * checkpointing every 10 s, stopped with a savepoint once its committed offsets reached the end offsets of
     * every input topic; events/s over the whole of it, start and savepoint included.
     */
    static double backfill(MailflowConfig base, int parallelism, String run, Path work) throws Exception {
        MailflowConfig live = base.toBuilder()
                .set("kafka.group-id", "bench-bf-" + run)
                .set("delivery.ledger", "none")
                .build();
        MailflowConfig c = Backfill.backfillConfig(live, "earliest");
        Configuration conf = conf(false);
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                work.resolve("checkpoints-" + run).toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        Backfill.Result r = Backfill.run(
                env,
                c,
                work.resolve("savepoints-" + run).toUri().toString(),
                Duration.ofSeconds(10),
                Duration.ofHours(2),
                IngestBenchmark::say);
        double rate = eventCount / (r.millis() / 1000.0);
        say(String.format(Locale.ROOT, "backfill %s: %,.0f events/s (%d ms)", run, rate, r.millis()));
        return rate;
    }

    private static Configuration conf(boolean rocksdb) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.setString("taskmanager.numberOfTaskSlots", "2");
        conf.setString("taskmanager.memory.managed.size", "256m");
        if (rocksdb) {
            // the production backend of flink-conf/config.yaml
            conf.setString("state.backend.type", "rocksdb");
            conf.setString("state.backend.rocksdb.memory.managed", "true");
        }
        return conf;
    }

    private static long eventCount;

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void say(String s) {
        System.out.println("[bench] " + s);
    }
}
