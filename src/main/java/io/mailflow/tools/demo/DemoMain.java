package io.mailflow.tools.demo;

import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.email.EmailComposer;
import io.mailflow.email.Keyring;
import io.mailflow.email.SignedTokens;
import io.mailflow.feedback.CampaignStats;
import io.mailflow.io.Json;
import io.mailflow.job.MailflowJob;
import io.mailflow.model.Event;
import io.mailflow.model.UserProfile;
import io.mailflow.testkit.CapturingSmtpServer;
import io.mailflow.testkit.EmbeddedKafka;
import io.mailflow.tools.importer.CsvFormat;
import io.mailflow.tools.importer.CsvImporter;
import io.mailflow.tools.importer.Rees46Catalog;
import io.mailflow.tools.report.ReportMain;
import io.mailflow.tools.report.ReportReader;
import io.mailflow.tracking.TrackingServer;
import io.mailflow.tracking.TrackingSettings;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The embedded demo: a real KRaft broker, a local Flink runtime, a capturing SMTP server and a traffic
 * generator (or a CSV replay), all in this JVM. Prints progress and a summary, then stops by itself.
 *
 * <pre>mvn -q compile exec:java -Dexec.args="--duration 60s"</pre>
 */
public final class DemoMain {
    private static final String PREFIX = "demo";
    /** The campaigns the demo runs: all six triggers (see docs/campaigns.md). */
    static final String DEFAULT_CAMPAIGNS = "classpath:campaigns/default-campaigns.yaml";
    /** The statistics window of a live demo (10 simulated minutes, 2.5 s at x240). */
    static final Duration LOOP_WINDOW = Duration.ofMinutes(10);

    /** Held so the logger keeps its level: Flink ML's BLAS logs a harmless fallback warning otherwise. */
    private static final java.util.logging.Logger NETLIB = java.util.logging.Logger.getLogger("dev.ludovic.netlib");

    private DemoMain() {}

    public static void main(String[] args) throws Exception {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "mailflow-demo-log4j2.properties");
        }
        NETLIB.setLevel(java.util.logging.Level.SEVERE);
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        int status = new DemoRun(options).run();
        System.exit(status);
    }

    /** One demo run; fields hold the embedded services so that they are closed in order. */
    static final class DemoRun {
        private final DemoOptions options;
        private final long startedNanos = System.nanoTime();
        /** A fresh secret per demo run; a deployment sets MAILFLOW_LINK_SECRET. */
        private final String linkSecret = java.util.UUID.randomUUID().toString();
        /** The closed loop's figures of the last run (live mode only), for tests. */
        LoopSummary loopSummary;

        ClosedLoop loop;

        private final java.util.concurrent.atomic.AtomicBoolean stopRecipients =
                new java.util.concurrent.atomic.AtomicBoolean();

        DemoRun(DemoOptions options) {
            this.options = options;
        }

        int run() throws Exception {
            say("Mailflow demo: starting an embedded KRaft Kafka broker, SMTP server and Flink runtime...");
            Path mailDir = options.out().resolve("mail");
            clean(mailDir);
            try (EmbeddedKafka kafka = quietly(EmbeddedKafka::start);
                    CapturingSmtpServer smtp = new CapturingSmtpServer(mailDir)) {
                Feed feed = options.replay() == null ? new GeneratedFeed(options) : ReplayFeed.load(options.replay());
                // live mode closes the loop: a tracking service on 127.0.0.1 that the simulated recipients call
                GeneratedFeed live = feed instanceof GeneratedFeed g ? g : null;
                TrackingServer tracking = live == null ? null : trackingServer(kafka, live.clock());
                try {
                    return run(kafka, smtp, feed, live, tracking, mailDir);
                } finally {
                    if (tracking != null) {
                        tracking.close();
                    }
                }
            }
        }

        private TrackingServer trackingServer(EmbeddedKafka kafka, Clock clock) throws Exception {
            Path spool = options.out().resolve("tracking-spool");
            Files.createDirectories(spool);
            TrackingSettings settings = new TrackingSettings(
                    "127.0.0.1",
                    0,
                    kafka.bootstrapServers(),
                    PREFIX + ".engagement",
                    PREFIX + ".suppressions",
                    spool,
                    64L << 20,
                    EmailComposer.DEFAULT_LINK_KEY_ID,
                    Duration.ofSeconds(30));
            return TrackingServer.start(settings, Keyring.of(EmailComposer.DEFAULT_LINK_KEY_ID, linkSecret), clock);
        }

        private int run(
                EmbeddedKafka kafka,
                CapturingSmtpServer smtp,
                Feed feed,
                GeneratedFeed live,
                TrackingServer tracking,
                Path mailDir)
                throws Exception {
            {
                MailflowConfig config = config(kafka, smtp, !feed.catalog().isEmpty(), tracking);
                kafka.createTopics(config);
                try (OutputCounter counter = new OutputCounter(
                                kafka.bootstrapServers(),
                                config.get(MailflowOptions.TOPIC_SESSIONS),
                                config.get(MailflowOptions.TOPIC_SEND_RESULTS),
                                config.get(MailflowOptions.TOPIC_DEAD_LETTERS),
                                config.get(MailflowOptions.TOPIC_LATE_EVENTS),
                                config.get(MailflowOptions.TOPIC_CAMPAIGN_EVENTS),
                                config.get(MailflowOptions.TOPIC_CAMPAIGN_STATS));
                        KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
                    say("Kafka at " + kafka.bootstrapServers() + ", SMTP at 127.0.0.1:" + smtp.port()
                            + ", e-mails go to " + mailDir.toAbsolutePath());
                    if (tracking != null) {
                        say("Tracking service at http://127.0.0.1:" + tracking.port()
                                + " (/r, /o, /unsubscribe); simulated recipients open, click, unsubscribe and buy");
                        loop = new ClosedLoop(
                                new RecipientBehaviour(options.seed(), RecipientBehaviour.DEFAULT_RATES),
                                new SignedTokens(Keyring.of(EmailComposer.DEFAULT_LINK_KEY_ID, linkSecret)),
                                live.clock(),
                                producer,
                                config.get(MailflowOptions.TOPIC_EVENTS),
                                live.generator.catalog());
                        long end = live.end();
                        // only the audience decided before the end is in the figures
                        counter.onHoldout((campaign, user, request, at) -> {
                            if (at < end) {
                                loop.onHoldout(campaign, user, request);
                            }
                        });
                    }
                    say(feed.description());
                    for (UserProfile p : feed.profiles()) {
                        producer.send(new ProducerRecord<>(
                                config.get(MailflowOptions.TOPIC_PROFILES), bytes(p.userId()), Json.toBytes(p)));
                    }
                    // the catalog before the events: e-mails show titles, images and prices from it
                    for (String item : feed.catalog()) {
                        String id = Json.mapper().readTree(item).get("itemId").asText();
                        producer.send(new ProducerRecord<>(
                                config.get(MailflowOptions.TOPIC_CATALOG), bytes(id), bytes(item)));
                    }
                    producer.flush();
                    if (live != null && !feed.catalog().isEmpty()) {
                        live.catalogTopic = config.get(MailflowOptions.TOPIC_CATALOG);
                    }
                    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                        Thread t = new Thread(r, "demo-progress");
                        t.setDaemon(true);
                        return t;
                    });
                    long[] produced = {0};
                    ticker.scheduleAtFixedRate(() -> progress(produced[0], counter, smtp), 5, 5, TimeUnit.SECONDS);
                    Thread recipients = loop == null ? null : recipients(smtp, counter, live.end());

                    StreamExecutionEnvironment env = environment();
                    boolean replay = options.replay() != null;
                    if (replay) {
                        // a bounded job reads up to the end offsets it sees at start: publish everything first
                        feed.publish(producer, config.get(MailflowOptions.TOPIC_EVENTS), n -> produced[0] = n);
                        producer.flush();
                    }
                    long jobStarted = System.nanoTime();
                    JobClient job = MailflowJob.start(env, config);
                    if (replay) {
                        job.getJobExecutionResult().get();
                    } else {
                        feed.publish(producer, config.get(MailflowOptions.TOPIC_EVENTS), n -> produced[0] = n);
                        producer.flush();
                        awaitQuiet(counter, loop, 2);
                    }
                    if (recipients != null) {
                        // every e-mail decided before the end is answered; then event time moves past the end,
                        // and the last windows fire (e-mails decided after the end are left out of the figures)
                        // The recipients keep answering e-mails decided before the end that are still arriving
                        // (stamped just before the end: late, within stats.allowed-lateness); their purchases are
                        // stamped at the advanced time, never late for ingestion.
                        loop.purchasesNotBefore(
                                live.end() + Duration.ofMinutes(1).toMillis());
                        live.advancePastEnd(producer, config.get(MailflowOptions.TOPIC_EVENTS), Duration.ofMinutes(1));
                        // longer than the sources' idleness (ingest.idleness, 5 s): the quiet inputs must go idle first
                        awaitQuiet(counter, loop, 8);
                        stopRecipients.set(true);
                        recipients.join(30_000);
                        counter.onHoldout(null);
                        // a second step, so that the late answers' timers fire and their windows fire again
                        loop.purchasesNotBefore(
                                live.end() + Duration.ofMinutes(2).toMillis());
                        live.advancePastEnd(producer, config.get(MailflowOptions.TOPIC_EVENTS), Duration.ofMinutes(2));
                        awaitQuiet(counter, null, 8);
                    }
                    double jobSeconds = (System.nanoTime() - jobStarted) / 1e9;
                    ticker.shutdownNow();
                    if (!replay) {
                        job.cancel().get();
                    }
                    Thread.sleep(500);
                    summary(produced[0], jobSeconds, counter, smtp, feed);
                    if (loop != null) {
                        Path report = options.out().resolve("report.html");
                        ReportMain.write(new ReportReader(config).read(), report);
                        say("Report with the loop's figures: " + report.toAbsolutePath());
                    }
                    // a replay succeeds when it decided something: its e-mails may all be due after its last
                    // event (quiet hours at the log's local night), and a replay stops there
                    long outcome = replay ? counter.decisions().size() : counter.sent.get();
                    return outcome > 0 ? 0 : 1;
                }
            }
        }

        private MailflowConfig config(
                EmbeddedKafka kafka, CapturingSmtpServer smtp, boolean catalog, TrackingServer tracking) {
            MailflowConfig.Builder b = MailflowConfig.builder();
            if (tracking != null) {
                // links, pixel and one-click unsubscribe point at the demo's tracking service; statistics windows
                // of 10 simulated minutes (2.5 s at x240) so that the summary sees most of the run's figures;
                // a global control group for the programme's lift
                b.set("email.tracking-base-url", "http://127.0.0.1:" + tracking.port())
                        .set("email.open-pixel", "true")
                        .set("stats.window", LOOP_WINDOW.toMinutes() + "min")
                        .set("campaigns.control-group.percent", "10");
            }
            return b.linkSecret(linkSecret)
                    .set("kafka.bootstrap-servers", kafka.bootstrapServers())
                    .set("kafka.group-id", PREFIX)
                    .set("topic.events", PREFIX + ".events")
                    .set("topic.profiles", PREFIX + ".profiles")
                    .set("topic.sessions", PREFIX + ".sessions")
                    .set("topic.send-results", PREFIX + ".send-results")
                    .set("topic.dead-letters", PREFIX + ".dead-letters")
                    .set("topic.late-events", PREFIX + ".late-events")
                    .set("topic.suppressions", PREFIX + ".suppressions")
                    .set("topic.send-ledger", PREFIX + ".send-ledger")
                    .set("topic.delivery-audit", PREFIX + ".delivery-audit")
                    .set("topic.segments", PREFIX + ".segments")
                    .set("topic.segment-models", PREFIX + ".segment-models")
                    .set("topic.scores", PREFIX + ".scores")
                    .set("topic.propensity-models", PREFIX + ".propensity-models")
                    .set("topic.model-metrics", PREFIX + ".model-metrics")
                    .set("topic.engagement", PREFIX + ".engagement")
                    .set("topic.campaign-stats", PREFIX + ".campaign-stats")
                    .set("topic.engagement-features", PREFIX + ".engagement-features")
                    .set("topic.campaigns", PREFIX + ".campaigns")
                    .set("topic.campaign-status", PREFIX + ".campaign-status")
                    .set("topic.campaign-events", PREFIX + ".campaign-events")
                    .set("topic.decisions", PREFIX + ".decisions")
                    .set("topic.catalog", catalog ? PREFIX + ".catalog" : "")
                    .set("campaigns.file", DEFAULT_CAMPAIGNS)
                    .set("job.bounded", Boolean.toString(options.replay() != null))
                    .set("smtp.host", "127.0.0.1")
                    .set("smtp.port", Integer.toString(smtp.port()))
                    .set("ingest.idleness", "5s")
                    .set("ingest.max-out-of-orderness", options.replay() != null ? "1min" : "5s")
                    // a replay stops event time at its last event (job.end-of-input): it sends what the history
                    // justifies, no 30-day win-back because the input ended
                    .set("job.end-of-input", "last-event")
                    .build();
        }

        private StreamExecutionEnvironment environment() {
            Configuration conf = new Configuration();
            conf.set(PipelineOptions.GENERIC_TYPES, false);
            conf.setString("pipeline.auto-watermark-interval", "100ms");
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(options.parallelism(), conf);
            return env;
        }

        /**
         * The simulated recipients: every 200 ms they read the e-mails that arrived and answer them (and the
         * holdout users that the counter passed on).
         */
        private Thread recipients(CapturingSmtpServer smtp, OutputCounter counter, long end) {
            Set<MimeMessage> read = Collections.newSetFromMap(new IdentityHashMap<>());
            List<MimeMessage> pending = new ArrayList<>();
            Thread t = new Thread(
                    () -> {
                        while (true) {
                            boolean last = stopRecipients.get(); // then one more pass for the last e-mails
                            for (MimeMessage m : smtp.received()) {
                                if (read.add(m)) {
                                    pending.add(m);
                                }
                            }
                            // only e-mails decided before the end (their windows are the run's figures); an e-mail
                            // whose decision the counter has not seen yet waits for the next pass
                            pending.removeIf(m -> {
                                String request = loop.requestId(m);
                                Long at = request == null ? null : counter.releasedAt(request);
                                if (at == null) {
                                    return request == null;
                                }
                                if (at < end) {
                                    loop.onEmail(m);
                                }
                                return true;
                            });
                            if (last) {
                                return;
                            }
                            try {
                                Thread.sleep(200);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                    },
                    "demo-recipients");
            t.setDaemon(true);
            t.start();
            return t;
        }

        /**
         * Live mode ends when no new e-mail, session, statistics record or recipient's action has appeared for
         * {@code quietSeconds} (at most 20 s more).
         */
        private static void awaitQuiet(OutputCounter c, ClosedLoop loop, int quietSeconds) throws InterruptedException {
            long last = -1;
            int quiet = 0;
            for (int i = 0; i < 40 + 2 * quietSeconds; i++) {
                long now = c.sessions.get()
                        + c.sent.get()
                        + c.failed.get()
                        + c.deadLetters.get()
                        + c.statsRecords()
                        + (loop == null ? 0 : loop.actions());
                quiet = now == last ? quiet + 1 : 0;
                if (quiet >= 2 * quietSeconds) {
                    return;
                }
                last = now;
                Thread.sleep(500);
            }
        }

        private void progress(long produced, OutputCounter c, CapturingSmtpServer smtp) {
            try {
                smtp.flushToFolder();
            } catch (Exception e) {
                System.err.println("demo: cannot write .eml files: " + e.getMessage());
            }
            say(String.format(
                    Locale.ROOT,
                    "events in %,d | sessions closed %,d | e-mails sent %,d | failed %,d | dead letters %,d | late %,d",
                    produced,
                    c.sessions.get(),
                    c.sent.get(),
                    c.failed.get(),
                    c.deadLetters.get(),
                    c.lateEvents.get()));
        }

        private void summary(long produced, double jobSeconds, OutputCounter c, CapturingSmtpServer smtp, Feed feed)
                throws Exception {
            int mails = smtp.flushToFolder();
            Map<String, String> lines = new LinkedHashMap<>();
            lines.put("input", feed.description());
            lines.put(
                    "events in",
                    String.format(
                            Locale.ROOT,
                            "%,d; job ran %.1f s (%,.0f events/s)",
                            produced,
                            jobSeconds,
                            produced / jobSeconds));
            lines.put(
                    "sessions closed",
                    String.format(
                            Locale.ROOT,
                            "%,d (covering %,d events)",
                            c.sessions.get(),
                            c.eventsInClosedSessions.get()));
            lines.put(
                    "e-mails sent", String.format(Locale.ROOT, "%,d (SMTP server received %,d)", c.sent.get(), mails));
            lines.put("delivery failures", Long.toString(c.failed.get()));
            lines.put("dead letters", Long.toString(c.deadLetters.get()));
            lines.put("late events", Long.toString(c.lateEvents.get()));
            lines.put("captured e-mails", smtp.folder().toAbsolutePath().toString());
            lines.put("wall time", String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startedNanos) / 1e9));
            System.out.println();
            System.out.println("==== Mailflow demo summary ====");
            lines.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-18s %s%n", k + ":", v));
            Map<String, Long> decisions = c.decisions();
            if (!decisions.isEmpty()) {
                System.out.println("campaign decisions (trigger, outcome, reason):");
                decisions.forEach((r, n) -> System.out.printf(Locale.ROOT, "  %5d  %s%n", n, r));
            }
            if (loop != null) {
                System.out.println("closed loop (simulated recipients -> tracking service -> the job's statistics):");
                System.out.println("  recipients: " + loop.describe());
                long end = ((GeneratedFeed) feed).end();
                List<CampaignStats> stats =
                        c.stats().stream().filter(s -> s.windowEnd() <= end).toList();
                loopSummary = LoopSummary.of(stats, loop.behaviour());
                loopSummary.lines().forEach(System.out::println);
            }
            Map<String, Long> reasons = c.deadLetterReasons();
            if (!reasons.isEmpty()) {
                System.out.println("dead letters by reason:");
                reasons.forEach((r, n) -> System.out.printf(Locale.ROOT, "  %5d  %s%n", n, r));
            }
        }

        private void say(String s) {
            System.out.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - startedNanos) / 1e9, s);
        }

        /** The broker's formatter prints to stdout; keep the demo's output to its own lines. */
        private static <T> T quietly(java.util.concurrent.Callable<T> start) throws Exception {
            java.io.PrintStream out = System.out;
            System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            try {
                return start.call();
            } finally {
                System.setOut(out);
            }
        }

        private static void clean(Path dir) throws Exception {
            if (Files.isDirectory(dir)) {
                try (var files = Files.list(dir)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        if (f.getFileName().toString().endsWith(".eml")) {
                            Files.delete(f);
                        }
                    }
                }
            }
        }
    }

    /** Where the demo's events come from. */
    interface Feed {
        String description();

        List<UserProfile> profiles();

        void publish(KafkaProducer<byte[], byte[]> producer, String topic, java.util.function.LongConsumer progress)
                throws Exception;

        /** The shop's catalog as feed lines (JSON items), or empty when the source has none. */
        default List<String> catalog() {
            return List.of();
        }
    }

    /** Replays a CSV (taobao:FILE or rees46:FILE) as fast as Kafka takes it, with a synthetic profile per user. */
    record ReplayFeed(String description, List<Event> events, List<UserProfile> profiles, List<String> catalog)
            implements Feed {
        static ReplayFeed load(String spec) throws Exception {
            int colon = spec.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(
                        "--replay needs format:file, e.g. rees46:../shared/data/rees46/2019-Oct-head17k.csv");
            }
            CsvImporter importer = new CsvImporter(CsvFormat.named(spec.substring(0, colon)));
            Path file = Path.of(spec.substring(colon + 1));
            List<Event> events = new ArrayList<>();
            CsvImporter.Report report = importer.importFile(file, events::add);
            Map<String, UserProfile> profiles = new LinkedHashMap<>();
            for (Event e : events) {
                profiles.computeIfAbsent(
                        e.userId(),
                        u -> new UserProfile(u, "user" + u + "@example.com", "Shopper " + u, "en", "UTC", true, 0));
            }
            String d = String.format(
                    Locale.ROOT,
                    "replay of %s: %,d events from %,d lines (%d rejected), %,d users",
                    file,
                    report.events(),
                    report.lines(),
                    report.rejected().size(),
                    profiles.size());
            // REES46 logs name brands, categories and prices: a catalog derived from them (Taobao's do not)
            List<String> catalog = new ArrayList<>();
            if (spec.substring(0, colon).equalsIgnoreCase("rees46")) {
                for (Rees46Catalog.Product p : Rees46Catalog.read(file).values()) {
                    catalog.add(Json.toText(Rees46Catalog.item(p)));
                }
            }
            return new ReplayFeed(d, events, new ArrayList<>(profiles.values()), catalog);
        }

        @Override
        public void publish(
                KafkaProducer<byte[], byte[]> producer, String topic, java.util.function.LongConsumer progress) {
            long n = 0;
            for (Event e : events) {
                producer.send(new ProducerRecord<>(topic, bytes(e.userId()), Json.toBytes(e)));
                progress.accept(++n);
            }
        }
    }

    /**
     * Generated shopping traffic, paced in wall-clock time. Simulated time runs {@code speed} times faster
     * than the wall clock and ends at about "now", so 30-minute sessions and one-hour abandoned-cart
     * delays play out within a one-minute demo. A few malformed records are mixed in to show the dead letters.
     */
    static final class GeneratedFeed implements Feed {
        private static final String[] MALFORMED = {
            "{\"eventId\":\"bad-1\",\"type\":\"VIEW\"",
            "{\"eventId\":\"bad-2\",\"userId\":\"u1\",\"type\":\"ADD_TO_CART\",\"itemId\":\"sku-1\",\"price\":-5,\"timestamp\":%d}",
            "{\"eventId\":\"bad-3\",\"userId\":\"u1\",\"type\":\"LEVITATE\",\"timestamp\":%d}",
            "{\"eventId\":\"bad-4\",\"userId\":\"u1\",\"type\":\"VIEW\",\"timestamp\":4102444800000}",
        };
        private final DemoOptions options;
        final ShoppingTrafficGenerator generator;
        private final long simulatedStart;
        private final long simulatedSpan;
        /** The end of the simulated traffic (exclusive), a boundary of the statistics windows. */
        long end() {
            return simulatedStart + simulatedSpan;
        }

        /**
         * Moves event time past the end of the traffic: one page view of a shopper without a profile (so no e-mail)
         * on every partition of the events topic, {@code by} after the end. The job's watermark then passes the end,
         * and its last statistics windows fire.
         */
        void advancePastEnd(KafkaProducer<byte[], byte[]> producer, String topic, Duration by) {
            int partitions = producer.partitionsFor(topic).size();
            Catalog catalog = generator.catalog();
            for (int p = 0; p < partitions; p++) {
                Event e = new Event(
                        "demo-clock-" + p,
                        "demo-clock",
                        "demo-clock-" + p,
                        io.mailflow.model.EventType.VIEW,
                        Catalog.itemId(1),
                        catalog.category(1).id(),
                        catalog.price(1, "USD"),
                        null,
                        "USD",
                        null,
                        end() + by.toMillis());
                producer.send(new ProducerRecord<>(topic, p, bytes(e.userId()), Json.toBytes(e)));
            }
            producer.flush();
        }

        /** When publishing began (wall clock), 0 before. */
        private volatile long wallStart;

        /** Where the catalog's changes during the run go (null: none are published). */
        String catalogTopic;

        GeneratedFeed(DemoOptions options) {
            this.options = options;
            this.simulatedSpan = options.duration().toMillis() * options.speed();
            // the traffic ends on a boundary of the statistics windows, so that every window of the run can fire
            long window = LOOP_WINDOW.toMillis();
            if (options.start() != null) {
                // a fixed start: the same local times for every recipient in every run (quiet hours included)
                long end = Math.floorDiv(options.start().toEpochMilli() + simulatedSpan, window) * window;
                this.simulatedStart = end - simulatedSpan;
            } else {
                long end = Math.floorDiv(
                                System.currentTimeMillis()
                                        - Duration.ofMinutes(1).toMillis(),
                                window)
                        * window;
                this.simulatedStart = end - simulatedSpan;
            }
            double perSimulatedSecond = (double) options.eventsPerSecond() / options.speed();
            this.generator = new ShoppingTrafficGenerator(
                    options.seed(), options.users(), 2_000, simulatedStart, perSimulatedSecond);
        }

        /**
         * The simulated time: the start before publishing begins, then {@code speed} times the wall clock, and
         * the end of the traffic once it is reached (so that the recipients' answers are never ahead of it).
         */
        Clock clock() {
            return new Clock() {
                @Override
                public long millis() {
                    long started = wallStart;
                    if (started == 0) {
                        return simulatedStart;
                    }
                    long t = simulatedStart + (System.currentTimeMillis() - started) * options.speed();
                    return Math.min(t, end() - 1);
                }

                @Override
                public Instant instant() {
                    return Instant.ofEpochMilli(millis());
                }

                @Override
                public java.time.ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }
            };
        }

        @Override
        public String description() {
            return String.format(
                    Locale.ROOT,
                    "generated traffic: %,d shoppers, ~%,d events/s for %s, simulated clock x%d (%s of shopping)",
                    options.users(),
                    options.eventsPerSecond(),
                    TimeUtils.formatWithHighestUnit(options.duration()),
                    options.speed(),
                    TimeUtils.formatWithHighestUnit(Duration.ofMillis(simulatedSpan)));
        }

        @Override
        public List<UserProfile> profiles() {
            return generator.profiles();
        }

        @Override
        public List<String> catalog() {
            List<String> items = new ArrayList<>();
            for (int item = 1; item <= generator.catalog().size(); item++) {
                items.add(generator.catalog().feedItem(item));
            }
            return items;
        }

        @Override
        public void publish(
                KafkaProducer<byte[], byte[]> producer, String topic, java.util.function.LongConsumer progress)
                throws InterruptedException {
            wallStart = System.currentTimeMillis();
            long end = simulatedStart + simulatedSpan;
            long n = 0;
            java.util.Iterator<Catalog.Change> changes =
                    generator.catalog().changes(simulatedStart, end).iterator();
            Catalog.Change change = changes.hasNext() ? changes.next() : null;
            while (true) {
                Event e = generator.next();
                if (e.timestamp() >= end) {
                    return;
                }
                // the shop's stock and price changes, published when the simulated clock reaches them
                while (change != null && catalogTopic != null && change.at() <= e.timestamp()) {
                    producer.send(new ProducerRecord<>(catalogTopic, bytes(change.itemId()), bytes(change.line())));
                    change = changes.hasNext() ? changes.next() : null;
                }
                long due = wallStart + (e.timestamp() - simulatedStart) / options.speed();
                long wait = due - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                producer.send(new ProducerRecord<>(topic, bytes(e.userId()), Json.toBytes(e)));
                progress.accept(++n);
                if (n % 997 == 0) {
                    String bad =
                            String.format(Locale.ROOT, MALFORMED[(int) (n / 997) % MALFORMED.length], e.timestamp());
                    producer.send(new ProducerRecord<>(topic, null, bytes(bad)));
                }
            }
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
