package io.mailflow.bench;

import io.mailflow.delivery.AsyncEmailSender;
import io.mailflow.delivery.RateLimits;
import io.mailflow.delivery.RetryPolicy;
import io.mailflow.delivery.SendLedgerFactory;
import io.mailflow.delivery.SmtpMailClient;
import io.mailflow.delivery.SmtpSecurity;
import io.mailflow.delivery.SmtpSettings;
import io.mailflow.model.RenderedEmail;
import io.mailflow.model.SendResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.commons.mail2.jakarta.HtmlEmail;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Delivery throughput: Mailflow's async sender (Flink async I/O, pooled SMTP connections) against the
 * naive approach (a sequential loop of Commons Email {@code send()}, one connection per message) and
 * against postfix's own load generator {@code smtp-source}, all into the same {@code smtp-sink} on
 * 127.0.0.1 in the same run, so the ratios hold on a noisy machine.
 *
 * <pre>mvn -q test-compile exec:exec -Drun.main=io.mailflow.bench.DeliveryBenchmark -Ddemo.args="--messages 20000"</pre>
 */
public final class DeliveryBenchmark {
    private DeliveryBenchmark() {}

    public static void main(String[] args) throws Exception {
        int messages = 20_000;
        int sequential = 1_000;
        int threads = 16;
        int runs = 3;
        Path out = Path.of("target/bench/delivery.md");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--messages" -> messages = Integer.parseInt(args[i + 1]);
                case "--sequential" -> sequential = Integer.parseInt(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        int size = mimeSize();
        say("one message as sent: " + size + " bytes; smtp-source sends the same size");
        double[][] r = new double[runs][];
        StringBuilder rows = new StringBuilder();
        try (SmtpSink sink = new SmtpSink()) {
            say("smtp-sink on 127.0.0.1:" + sink.port());
            // warm-up: the JIT and the sink, not measured
            async(sink.port(), Math.min(messages, 5_000), threads);
            for (int run = 0; run < runs; run++) {
                double reuse = smtpSource(sink.port(), messages, threads, size, true);
                double fresh = smtpSource(sink.port(), messages, threads, size, false);
                double[] seq = sequential(sink.port(), sequential);
                double[] async = async(sink.port(), messages, threads);
                r[run] = new double[] {
                    reuse, fresh, seq[0], async[0], async[0] / reuse, async[0] / fresh, async[0] / seq[0]
                };
                String row = String.format(
                        Locale.ROOT,
                        "| %d | %.0f | %.0f | %.0f | %.0f (p50 %.1f, p99 %.1f ms) | **%.2f** | %.2f | **%.1fx** |%n",
                        run + 1,
                        reuse,
                        fresh,
                        seq[0],
                        async[0],
                        async[1],
                        async[2],
                        async[0] / reuse,
                        async[0] / fresh,
                        async[0] / seq[0]);
                say(row.strip());
                rows.append(row);
            }
            // what PIPELINING would bring (Angus Mail has none): a bare client, same bytes, same sessions
            byte[] wire = wireBytes();
            double plain = SmtpPipeliningProbe.run(sink.port(), messages, threads, wire, false);
            double piped = SmtpPipeliningProbe.run(sink.port(), messages, threads, wire, true);
            String pipelining = String.format(
                    Locale.ROOT,
                    "Bare SMTP client, same message bytes and sessions: one command per round trip %.0f msg/s,"
                            + " MAIL/RCPT/DATA pipelined %.0f msg/s (x%.2f)",
                    plain,
                    piped,
                    piped / plain);
            say(pipelining);
            double halfPeak = median(r, 3) / 2;
            double[] paced = paced(sink.port(), halfPeak, Math.max(2_000, (int) (halfPeak * 20)), threads);
            say(String.format(
                    Locale.ROOT,
                    "render + send at half of peak (%.0f msg/s): p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                    halfPeak,
                    paced[0],
                    paced[1],
                    paced[2]));
            String report = String.format(
                    Locale.ROOT,
                    """
                    %d messages of %d bytes per run (the sequential loop: %d), %d SMTP sessions, smtp-sink on 127.0.0.1,
                    %s

                    | run | smtp-source -d (msg/s) | smtp-source, new connection per message | sequential Commons Email loop | Mailflow async sender | async / smtp-source -d | async / smtp-source new conn. | async / sequential |
                    |---|---|---|---|---|---|---|---|
                    %s
                    min / median / max over %d runs: async / smtp-source -d %s; async / sequential %s

                    %s

                    At half of peak (%.0f requests/s, paced source): request decided -> rendered -> accepted by SMTP:
                    p50 %.1f ms, p99 %.1f ms, max %.1f ms
                    """,
                    messages,
                    size,
                    sequential,
                    threads,
                    Instant.now(),
                    rows.toString().strip(),
                    runs,
                    spread(r, 4, "%.2f"),
                    spread(r, 6, "%.1fx"),
                    pipelining,
                    halfPeak,
                    paced[0],
                    paced[1],
                    paced[2]);
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
            System.out.println();
            System.out.println(report);
        }
    }

    private static double median(double[][] r, int column) {
        double[] v = Arrays.stream(r).mapToDouble(x -> x[column]).sorted().toArray();
        return v[v.length / 2];
    }

    private static String spread(double[][] r, int column, String format) {
        double[] v = Arrays.stream(r).mapToDouble(x -> x[column]).sorted().toArray();
        return String.format(
                Locale.ROOT, format + " / " + format + " / " + format, v[0], v[v.length / 2], v[v.length - 1]);
    }

    /** The size of one benchmark message as the sender writes it (headers and MIME parts). */
    static int mimeSize() throws Exception {
        return wireBytes().length;
    }

    /** One benchmark message as the sender writes it. */
    static byte[] wireBytes() throws Exception {
        SmtpSettings smtp = new SmtpSettings(
                "127.0.0.1", 25, SmtpSecurity.NONE, "", "", 10_000, "shop@mailflow.local", "Mailflow Shop");
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        new SmtpMailClient(smtp).build(email(0)).writeTo(b);
        return b.toByteArray();
    }

    /**
     * postfix's smtp-source with as many parallel sessions as the sender has connections and messages of the
     * same size: with {@code -d} each session keeps its connection (what the sender does), without it each
     * message opens a new one.
     */
    static double smtpSource(int port, int messages, int sessions, int size, boolean reuse) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                "/usr/sbin/smtp-source",
                "-s",
                Integer.toString(sessions),
                "-m",
                Integer.toString(messages),
                "-l",
                Integer.toString(size),
                "-f",
                "bench@mailflow.local",
                "-t",
                "sink@example.com"));
        if (reuse) {
            cmd.add(1, "-d");
        }
        cmd.add("127.0.0.1:" + port);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("smtp-source failed");
        }
        return messages / ((System.nanoTime() - t0) / 1e9);
    }

    static double[] sequential(int port, int messages) throws Exception {
        double[] latencies = new double[messages];
        long t0 = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            RenderedEmail e = email(i);
            long s = System.nanoTime();
            HtmlEmail mail = new HtmlEmail();
            mail.setHostName("127.0.0.1");
            mail.setSmtpPort(port);
            mail.setCharset("UTF-8");
            mail.setFrom("shop@mailflow.local", "Mailflow Shop");
            mail.addTo(e.toAddress(), e.toName());
            mail.setSubject(e.subject());
            mail.setHtmlMsg(e.html());
            mail.setTextMsg(e.text());
            mail.send();
            latencies[i] = (System.nanoTime() - s) / 1e6;
            progress("sequential", i + 1, messages);
        }
        double rate = messages / ((System.nanoTime() - t0) / 1e9);
        return new double[] {rate, percentile(latencies, 50), percentile(latencies, 99)};
    }

    static double[] async(int port, int messages, int threads) throws Exception {
        SmtpSettings smtp = new SmtpSettings(
                "127.0.0.1", port, SmtpSecurity.NONE, "", "", 10_000, "shop@mailflow.local", "Mailflow Shop");
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        var results = AsyncDataStream.unorderedWait(
                // generated in the job: a collection source would ship every message through the job graph and
                // deserialize it again, slower than the sender itself
                env.fromSource(
                        new org.apache.flink.connector.datagen.source.DataGeneratorSource<>(
                                (org.apache.flink.connector.datagen.source.GeneratorFunction<Long, RenderedEmail>)
                                        i -> email(i.intValue()),
                                messages,
                                org.apache.flink.api.common.typeinfo.TypeInformation.of(RenderedEmail.class)),
                        org.apache.flink.api.common.eventtime.WatermarkStrategy.noWatermarks(),
                        "e-mails"),
                new AsyncEmailSender(
                        () -> new SmtpMailClient(smtp),
                        SendLedgerFactory.none(),
                        threads,
                        threads * 8,
                        RetryPolicy.defaults(),
                        new RateLimits.Config(0, 0)),
                60,
                TimeUnit.SECONDS,
                threads * 8);
        // the results stay in the job: a collect sink would serialize every SendResult to this thread, costing
        // the sender's own CPU on a 2-core machine (a production job writes them to Kafka instead)
        Tally.reset(messages);
        results.process(new Tally()).sinkTo(new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>());
        env.execute("delivery-benchmark");
        if (Tally.failed.get() != null) {
            throw new IllegalStateException("send failed: " + Tally.failed.get());
        }
        int n = Tally.count.get();
        double rate = n / Math.max(0.001, (Tally.last.get() - Tally.first.get()) / 1000.0);
        double[] latencies = Arrays.copyOf(Tally.latencies, n);
        return new double[] {rate, percentile(latencies, 50), percentile(latencies, 99)};
    }

    /** Counts the sender's results where they are produced (the benchmark's local runtime shares this JVM). */
    static final class Tally extends org.apache.flink.streaming.api.functions.ProcessFunction<SendResult, Integer> {
        static final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        static final java.util.concurrent.atomic.AtomicLong first = new java.util.concurrent.atomic.AtomicLong();
        static final java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong();
        static final java.util.concurrent.atomic.AtomicReference<String> failed =
                new java.util.concurrent.atomic.AtomicReference<>();
        static double[] latencies = new double[0];
        static int total;

        static void reset(int messages) {
            count.set(0);
            first.set(Long.MAX_VALUE);
            last.set(0);
            failed.set(null);
            latencies = new double[messages];
            total = messages;
        }

        @Override
        public void processElement(SendResult r, Context ctx, org.apache.flink.util.Collector<Integer> out) {
            if (!r.sent()) {
                failed.compareAndSet(null, r.smtpReply());
                return;
            }
            first.accumulateAndGet(r.attemptLog().get(0).startedAt(), Math::min);
            last.accumulateAndGet(r.sentAt(), Math::max);
            int n = count.getAndIncrement();
            latencies[n] = r.latencyMs();
            progress("async", n + 1, total);
        }
    }

    /**
     * Latency at a given load: a paced source of addressed requests (stamped with their wall-clock creation
     * time, i.e. when the guardrails released them) through rendering (templates, signed links) and the
     * async sender; latency = SMTP acceptance - creation.
     */
    static double[] paced(int port, double perSecond, int count, int threads) throws Exception {
        SmtpSettings smtp = new SmtpSettings(
                "127.0.0.1", port, SmtpSecurity.NONE, "", "", 10_000, "shop@mailflow.local", "Mailflow Shop");
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        var source = new org.apache.flink.connector.datagen.source.DataGeneratorSource<>(
                (org.apache.flink.connector.datagen.source.GeneratorFunction<Long, io.mailflow.model.AddressedRequest>)
                        i -> {
                            long now = System.currentTimeMillis();
                            io.mailflow.model.EmailRequest r = new io.mailflow.model.EmailRequest(
                                    "lat-" + now + "-" + i,
                                    "abandoned-cart",
                                    "ABANDONED_CART",
                                    "abandoned-cart",
                                    "u" + i,
                                    now,
                                    "s" + i,
                                    List.of(new io.mailflow.model.LineItem("sku-" + i, "cat-1", 19.99, 1, now)),
                                    "USD");
                            return new io.mailflow.model.AddressedRequest(
                                    r, new io.mailflow.model.Recipient("u" + i + "@example.com", "Ann", "en", "UTC"));
                        },
                count,
                org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy.perSecond(perSecond),
                org.apache.flink.api.common.typeinfo.TypeInformation.of(io.mailflow.model.AddressedRequest.class));
        var rendered = env.fromSource(
                        source,
                        org.apache.flink.api.common.eventtime.WatermarkStrategy.noWatermarks(),
                        "paced requests")
                .process(new io.mailflow.email.RenderFunction(new io.mailflow.email.EmailComposer.Settings(
                        "",
                        "shop@mailflow.local",
                        "https://shop.example.com/mf",
                        "",
                        false,
                        java.time.Duration.ofDays(60),
                        "benchmark-link-secret-0123",
                        java.util.Map.of("shopUrl", "https://shop.example.com", "shopName", "Mailflow Shop"))));
        var results = AsyncDataStream.unorderedWait(
                rendered,
                new AsyncEmailSender(
                        () -> new SmtpMailClient(smtp),
                        SendLedgerFactory.none(),
                        threads,
                        threads * 8,
                        RetryPolicy.defaults(),
                        new RateLimits.Config(0, 0)),
                60,
                TimeUnit.SECONDS,
                threads * 8);
        double[] latencies = new double[count];
        int n = 0;
        try (CloseableIterator<SendResult> it = results.executeAndCollect("delivery-latency")) {
            while (it.hasNext()) {
                SendResult r = it.next();
                long created = Long.parseLong(r.requestId().split("-")[1]);
                latencies[n++] = r.sentAt() - created;
                progress("paced", n, count);
            }
        }
        double[] used = Arrays.copyOf(latencies, n);
        return new double[] {percentile(used, 50), percentile(used, 99), percentile(used, 100)};
    }

    static RenderedEmail email(int i) {
        // about 5 KB as sent: a typical abandoned-cart e-mail (HTML of ~3.5 KB and its text alternative)
        String html = "<html><body><p>Hi Ann,</p><p>You left sku-" + i + " in your cart.</p>"
                + "<tr><td><a href=\"https://shop.example.com/mf/c?t=abcdefghijklmnopqrstuvwxyz0123456789\">Trail"
                + " running shoes</a></td><td>59.90</td></tr>\n"
                + "<p class=\"item\">Merino socks, size 42, colour charcoal: 12.50 EUR</p>\n".repeat(45)
                + "</body></html>";
        return new RenderedEmail(
                "bench-" + i,
                "<bench-" + i + "@mailflow.local>",
                "bench",
                "default",
                "u" + i,
                "user" + i + "@example.com",
                "Ann",
                "Ann, you left 1 item in your cart",
                html,
                ("Hi Ann, you left sku-" + i + " in your cart.\n"
                        + "Merino socks, size 42, colour charcoal: 12.50 EUR\n".repeat(22)),
                "<https://shop.example.com/mf/unsubscribe?t=x>",
                System.currentTimeMillis());
    }

    static double percentile(double[] values, double p) {
        double[] v = Arrays.copyOf(values, values.length);
        Arrays.sort(v);
        return v[(int) Math.min(v.length - 1, Math.ceil(p / 100.0 * v.length) - 1)];
    }

    private static void progress(String what, int done, int total) {
        if (done % Math.max(1, total / 5) == 0) {
            say(what + ": " + done + "/" + total);
        }
    }

    private static void say(String s) {
        System.out.println("[bench] " + s);
    }
}
