package io.mailflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailflow.io.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium driven over the DevTools protocol (CDP) with the JDK's WebSocket client: navigate, evaluate
 * JavaScript (a click), and wait, bounded in time, until the page satisfies a condition. Only 127.0.0.1 and
 * {@code file:} resolve: every other host name fails at once ({@code --host-resolver-rules}), so a test never
 * reaches the network.
 *
 * <p>{@link #startOrSkip} skips the test when {@code /usr/bin/chromium} is absent, unless
 * {@code MAILFLOW_REQUIRE_CHROMIUM=true} (set by .ci/run, which installs it): then it fails, as
 * {@code ReportBrowserTest} does.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Duration STEP = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** A running browser with one page, or the test is skipped (or failed, see the class comment). */
    public static HeadlessChromium startOrSkip(Path logDir) throws Exception {
        boolean present = Files.isExecutable(CHROMIUM);
        if (!present && Boolean.parseBoolean(System.getenv("MAILFLOW_REQUIRE_CHROMIUM"))) {
            throw new AssertionError(
                    "MAILFLOW_REQUIRE_CHROMIUM=true but " + CHROMIUM + " is missing (apt-get install chromium)");
        }
        Assumptions.assumeTrue(
                present, CHROMIUM + " not found: skipping the browser test (install the Debian package 'chromium')");
        Path profile = Files.createTempDirectory("mailflow-chromium");
        Files.createDirectories(logDir);
        Process p = new ProcessBuilder(List.of(
                        CHROMIUM.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run",
                        "--no-default-browser-check",
                        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                        "--remote-debugging-address=127.0.0.1",
                        "--remote-debugging-port=0",
                        "--user-data-dir=" + profile,
                        "about:blank"))
                .redirectErrorStream(true)
                .start();
        try {
            String browserWs = devToolsUrl(p, logDir.resolve("chromium.log"));
            int port = URI.create(browserWs).getPort();
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            JsonNode targets = Json.mapper()
                    .readTree(http.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                                            .timeout(Duration.ofSeconds(10))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body());
            String pageWs = null;
            for (JsonNode t : targets) {
                if ("page".equals(t.path("type").asText())) {
                    pageWs = t.path("webSocketDebuggerUrl").asText();
                    break;
                }
            }
            if (pageWs == null) {
                throw new IllegalStateException("Chromium has no page target: " + targets);
            }
            Listener listener = new Listener();
            WebSocket ws = http.newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create(pageWs), listener)
                    .get(STEP.toSeconds(), TimeUnit.SECONDS);
            HeadlessChromium c = new HeadlessChromium(p, profile, ws);
            listener.owner = c;
            c.call("Page.enable", Json.mapper().createObjectNode());
            c.call("Runtime.enable", Json.mapper().createObjectNode());
            return c;
        } catch (Exception | AssertionError e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** Reads Chromium's output (copied to {@code log}) until it names its DevTools endpoint; bounded. */
    private static String devToolsUrl(Process p, Path log) throws Exception {
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    var out = Files.newBufferedWriter(log)) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.write(line);
                    out.newLine();
                    out.flush();
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        url.complete(m.group(1));
                    }
                }
                url.completeExceptionally(new IllegalStateException("Chromium exited; see " + log));
            } catch (Exception e) {
                url.completeExceptionally(e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        return url.get(STEP.toSeconds(), TimeUnit.SECONDS);
    }

    /** Sends a CDP command and waits (bounded) for its answer; a CDP error is an exception. */
    public JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode msg = Json.mapper().createObjectNode();
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", params);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(msg.toString(), true).get(STEP.toSeconds(), TimeUnit.SECONDS);
        JsonNode r = answer.get(STEP.toSeconds(), TimeUnit.SECONDS);
        if (r.has("error")) {
            throw new IllegalStateException(method + ": " + r.get("error"));
        }
        return r.path("result");
    }

    public void navigate(String url) throws Exception {
        ObjectNode p = Json.mapper().createObjectNode();
        p.put("url", url);
        call("Page.navigate", p);
    }

    /** The value of a JavaScript expression in the page (by value: strings, numbers, booleans). */
    public JsonNode evaluate(String expression) throws Exception {
        ObjectNode p = Json.mapper().createObjectNode();
        p.put("expression", expression);
        p.put("returnByValue", true);
        JsonNode r = call("Runtime.evaluate", p);
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("JavaScript failed: " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** The page's URL and text once it is loaded, for {@link #await}. */
    public record PageState(String url, String text) {}

    /**
     * Waits until the loaded page satisfies {@code until}; polls every 100 ms for at most {@code max}. A page in
     * the middle of a navigation (its context gone) is simply asked again.
     */
    public PageState await(Predicate<PageState> until, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        PageState last = null;
        while (System.nanoTime() < deadline) {
            try {
                JsonNode v = evaluate("document.readyState === 'complete'"
                        + " ? JSON.stringify({url: location.href, text: document.body ? document.body.innerText : ''})"
                        + " : null");
                if (v.isTextual()) {
                    JsonNode s = Json.mapper().readTree(v.asText());
                    last = new PageState(s.path("url").asText(), s.path("text").asText());
                    if (until.test(last)) {
                        return last;
                    }
                }
            } catch (IllegalStateException navigating) {
                // the execution context was destroyed by the navigation: ask the next page
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the page did not reach the expected state within " + max + "; last: " + last);
    }

    @Override
    public void close() throws Exception {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the browser is stopped below in any case
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        }
    }

    /** Collects a message's fragments and completes the command it answers; events are not needed. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder buffer = new StringBuilder();
        volatile HeadlessChromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            buffer.append(data);
            if (last) {
                String text = buffer.toString();
                buffer.setLength(0);
                try {
                    JsonNode n = Json.mapper().readTree(text);
                    if (n.has("id") && owner != null) {
                        CompletableFuture<JsonNode> f =
                                owner.pending.remove(n.get("id").asInt());
                        if (f != null) {
                            f.complete(n);
                        }
                    }
                } catch (Exception ignored) {
                    // not JSON: not an answer to any command
                }
            }
            ws.request(1);
            return null;
        }
    }
}
