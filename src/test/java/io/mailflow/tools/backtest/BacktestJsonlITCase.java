package io.mailflow.tools.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.io.Json;
import io.mailflow.testing.Events;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.tools.cli.BacktestCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backtest over a small JSONL file of raw event records, malformed ones among them: the production topology
 * decides the valid ones (one abandoned cart e-mailed, as a dry run), every malformed line becomes a dead letter
 * counted in the report with its reason, nothing crashes, and nothing connects to the SMTP server the
 * configuration names.
 */
class BacktestJsonlITCase {
    static final Instant GENERATED = Instant.parse("2026-03-03T08:00:00Z");

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @TempDir
    Path dir;

    @Test
    void malformedLinesAreDeadLettersAndNothingIsSent() throws Exception {
        long t0 = Events.BEGINNING;
        List<String> lines = List.of(
                Json.toText(Events.cart("ann", "sku-1", 9.99, t0)),
                "this is not json",
                "{\"userId\": \"bob\"}",
                "[1, 2, 3]",
                "{\"eventId\": \"e-x\", \"userId\": \"eve@example.com\", \"type\": \"TELEPORT\", \"timestamp\": " + t0
                        + "}",
                "{" + "\"pad\": \"" + "x".repeat(70_000) + "\"}",
                Json.toText(Events.cart("cid", "sku-2", 5.00, t0 + Events.ONE_MINUTE)),
                Json.toText(Events.purchase("cid", "sku-2", 5.00, t0 + 3 * Events.ONE_MINUTE)),
                // the history goes on for three hours, so the abandoned cart's delay is over before it ends
                Json.toText(Events.view("dan", "sku-3", t0 + 3 * Events.ONE_HOUR)));
        Path events = dir.resolve("events.jsonl");
        Files.write(events, lines, StandardCharsets.UTF_8);
        Path out = dir.resolve("report");

        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try (ServerSocket smtp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int status = BacktestCli.run(
                    new String[] {
                        "--campaigns", "src/main/resources/campaigns/abandoned-cart.yaml",
                        "--input", "jsonl",
                        "--events", events.toString(),
                        "--out", out.toString(),
                        "--set", "smtp.host=127.0.0.1",
                        "--set", "smtp.port=" + smtp.getLocalPort(),
                        "--set", "guardrails.quiet-hours-start=0ms",
                        "--set", "guardrails.quiet-hours-end=0ms"
                    },
                    FlinkTestEnv.env(),
                    new PrintStream(stdout, true, StandardCharsets.UTF_8),
                    new PrintStream(stderr, true, StandardCharsets.UTF_8),
                    GENERATED);
            assertThat(status).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
            // a connection, even one closed at once, would wait in the backlog
            smtp.setSoTimeout(200);
            assertThatThrownBy(smtp::accept).isInstanceOf(SocketTimeoutException.class);
        }

        String decisions = Files.readString(out.resolve(BacktestReport.DECISIONS_CSV));
        assertThat(decisions.lines().skip(1))
                .singleElement()
                .satisfies(l -> assertThat(l)
                        .contains(",abandoned-cart,A,ann,")
                        .contains(",SEND,")
                        .contains("you left 1 item in your cart"));
        String summary = Files.readString(out.resolve(BacktestReport.SUMMARY_CSV));
        assertThat(summary).contains("input,,,records,9\n").contains("input,,,dead letters,5\n");
        assertThat(summary.lines().filter(l -> l.startsWith("dead letter,")))
                .as("every dead letter with its stage and reason")
                .isNotEmpty()
                .allSatisfy(l -> assertThat(l).startsWith("dead letter,,,ingest"));
        assertThat(summary).contains("campaign,abandoned-cart,A,e-mails,1\n");
        String html = Files.readString(out.resolve(BacktestReport.HTML));
        assertThat(html).contains("Mailflow backtest").contains("you left 1 item in your cart");
        for (String f : List.of(BacktestReport.HTML, BacktestReport.SUMMARY_CSV, BacktestReport.DECISIONS_CSV)) {
            assertThat(Files.readString(out.resolve(f))).as(f).doesNotContain("@");
        }
        assertThat(stdout.toString(StandardCharsets.UTF_8))
                .contains("1 e-mails")
                .contains("5 dead letters");
    }
}
