package io.mailflow.bench;

import io.mailflow.email.Keyring;
import io.mailflow.email.SignedTokens;
import io.mailflow.testkit.EmbeddedKafka;
import io.mailflow.tracking.TrackingServer;
import io.mailflow.tracking.TrackingSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load on the tracking service's {@code /r} (click redirect) and {@code /o} (open pixel) with Kafka on, against the
 * same server's static {@code /ping} (204, no token, no Kafka) in the same run, measured with {@code wrk} (Debian
 * package {@code wrk}). A real in-process KRaft broker takes every event (idempotent producer, acks=all). Traffic
 * goes to 127.0.0.1 only and every run is bounded by {@code --duration}.
 *
 * <ol>
 *   <li>warm-up: {@code /r} and {@code /o}, 5 s each;
 *   <li>peak: {@code /ping}, {@code /r}, {@code /o}, each {@code wrk -t<threads> -c<connections> -d<duration>
 *       --latency}: requests/s and the ratio of each to {@code /ping};
 *   <li>half of peak: {@code /r} and {@code /o} again, paced by a Lua {@code delay()} of 10 ms per connection with
 *       as many connections as make half of their own peak (wrk paces per connection, so the achieved rate is
 *       printed): p99 latency there.
 * </ol>
 *
 * Then the server's own counters: events published to Kafka and spooled, against the requests wrk made.
 *
 * <pre>
 * mvn -q test-compile exec:exec -Drun.main=io.mailflow.bench.TrackingLoadBenchmark \
 *     -Ddemo.args="--duration 15 --connections 32 --threads 2"
 * </pre>
 */
public final class TrackingLoadBenchmark {
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern P99 = Pattern.compile("\\s99%\\s+([0-9.]+)(us|ms|s)");
    private static final Pattern P50 = Pattern.compile("\\s50%\\s+([0-9.]+)(us|ms|s)");
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    /** The pause of each connection between its requests in the half-of-peak runs. */
    private static final int PACE_MS = 10;

    private TrackingLoadBenchmark() {}

    record Run(String name, double rps, double p50Ms, double p99Ms, long requests, long non2xx) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>(Map.of("duration", "15", "connections", "32", "threads", "2"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int duration = Integer.parseInt(o.get("duration"));
        int connections = Integer.parseInt(o.get("connections"));
        int threads = Integer.parseInt(o.get("threads"));
        if (duration < 1 || duration > 120) {
            throw new IllegalArgumentException("--duration must be 1 to 120 seconds");
        }
        Path work = Files.createTempDirectory("tracking-bench");
        String secret = "bench-secret-0123456789abcdef";
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("bench.engagement", 2, false);
            kafka.createTopic("bench.suppressions", 1, true);
            try (TrackingServer server = TrackingServer.start(
                    TrackingSettings.parse(
                            "--bind", "127.0.0.1",
                            "--port", "0",
                            "--bootstrap-servers", kafka.bootstrapServers(),
                            "--engagement-topic", "bench.engagement",
                            "--suppressions-topic", "bench.suppressions",
                            "--spool-dir", work.resolve("spool").toString()),
                    Keyring.of("k1", secret),
                    Clock.systemUTC())) {
                String base = "http://127.0.0.1:" + server.port();
                SignedTokens tokens = new SignedTokens(Keyring.of("k1", secret));
                long expires = System.currentTimeMillis() / 1000 + 3600;
                String target = "https://shop.example.com/p/sku-17?utm_source=mailflow&utm_medium=email";
                String click = tokens.sign(
                        new SignedTokens.Claims(SignedTokens.Kind.CLICK, "u-bench", "bench", "r-bench", expires),
                        target);
                String open = tokens.sign(
                        new SignedTokens.Claims(SignedTokens.Kind.OPEN, "u-bench", "bench", "r-bench", expires));
                Map<String, String> urls = new LinkedHashMap<>();
                urls.put("/ping", base + "/ping");
                urls.put("/r", base + "/r?u=" + URLEncoder.encode(target, StandardCharsets.UTF_8) + "&t=" + click);
                urls.put("/o", base + "/o/" + open + ".gif");
                check(urls);

                wrk("warm-up /r", urls.get("/r"), threads, connections, 5, null, work);
                wrk("warm-up /o", urls.get("/o"), threads, connections, 5, null, work);
                List<Run> runs = new ArrayList<>();
                Map<String, Run> peak = new LinkedHashMap<>();
                for (String path : urls.keySet()) {
                    Run r = wrk("peak " + path, urls.get(path), threads, connections, duration, null, work);
                    peak.put(path, r);
                    runs.add(r);
                }
                for (String path : List.of("/r", "/o")) {
                    double half = peak.get(path).rps() / 2;
                    // each connection sends one request, then waits PACE_MS: at most connections * 1000 / PACE_MS
                    // requests/s (a little less, by the latency), so the connections are chosen for half the peak
                    int paced = (int) Math.max(threads, Math.min(1000, Math.round(half * PACE_MS / 1000.0)));
                    runs.add(wrk(
                            "half of peak " + path + " (" + paced + " conns, " + PACE_MS + " ms apart)",
                            urls.get(path),
                            threads,
                            paced,
                            duration,
                            PACE_MS,
                            work));
                }
                String metrics = get(base + "/metrics");
                print(runs, peak, metrics);
            }
        }
    }

    /** Each URL answers as it should before any load: 204, 302 and a GIF. */
    private static void check(Map<String, String> urls) throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        int[] expected = {204, 302, 200};
        int i = 0;
        for (String url : urls.values()) {
            int status = http.send(
                            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            if (status != expected[i++]) {
                throw new IllegalStateException(url.replaceAll("t=.*|/o/.*", "...") + " answered " + status);
            }
        }
    }

    private static Run wrk(
            String name, String url, int threads, int connections, int seconds, Integer delayMs, Path work)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                "wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--timeout", "5s", "--latency"));
        if (delayMs != null) {
            Path lua = work.resolve("delay-" + delayMs + ".lua");
            Files.writeString(lua, "function delay()\n  return " + delayMs + "\nend\n");
            cmd.addAll(List.of("-s", lua.toString()));
        }
        cmd.add(url);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("wrk did not finish: " + name);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Run r = new Run(
                name,
                Double.parseDouble(find(RPS, out, "0")),
                latency(P50, out),
                latency(P99, out),
                Long.parseLong(find(TOTAL, out, "0")),
                Long.parseLong(find(NON_2XX, out, "0")));
        System.out.printf(
                Locale.ROOT,
                "%-45s %10.0f req/s  p50 %7.2f ms  p99 %7.2f ms  (%d requests)%n",
                name,
                r.rps(),
                r.p50Ms(),
                r.p99Ms(),
                r.requests());
        return r;
    }

    private static void print(List<Run> runs, Map<String, Run> peak, String metrics) {
        StringBuilder sb = new StringBuilder("\n| run | requests/s | p50 ms | p99 ms | requests | non-2xx/3xx |\n");
        sb.append("|---|---|---|---|---|---|\n");
        for (Run r : runs) {
            if (r.name().startsWith("warm-up")) {
                continue;
            }
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %.0f | %.2f | %.2f | %d | %d |%n",
                    r.name(),
                    r.rps(),
                    r.p50Ms(),
                    r.p99Ms(),
                    r.requests(),
                    r.non2xx()));
        }
        double ping = peak.get("/ping").rps();
        sb.append(String.format(
                Locale.ROOT,
                "%n/r / ping = %.2f, /o / ping = %.2f (target >= 0.5)%n",
                peak.get("/r").rps() / ping,
                peak.get("/o").rps() / ping));
        sb.append("\nserver counters:\n");
        for (String line : metrics.split("\n")) {
            if (line.startsWith("mailflow_tracking_published_total")
                    || line.startsWith("mailflow_tracking_spooled_total")
                    || line.startsWith("mailflow_tracking_dropped_total")
                    || line.startsWith("mailflow_tracking_events_total")) {
                sb.append("  ").append(line).append('\n');
            }
        }
        System.out.println(sb);
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static String find(Pattern p, String s, String otherwise) {
        Matcher m = p.matcher(s);
        return m.find() ? m.group(1) : otherwise;
    }

    private static double latency(Pattern p, String s) {
        Matcher m = p.matcher(s);
        if (!m.find()) {
            return Double.NaN;
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }
}
