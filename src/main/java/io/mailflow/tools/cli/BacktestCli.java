package io.mailflow.tools.cli;

import io.mailflow.config.MailflowOptions;
import io.mailflow.tools.backtest.Backtest;
import io.mailflow.tools.backtest.BacktestAggregator;
import io.mailflow.tools.backtest.BacktestReport;
import io.mailflow.tools.backtest.BacktestSpec;
import io.mailflow.tools.backtest.BacktestSummary;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Backtests campaign definitions: replays history through the production topology with the campaigns forced to
 * dry-run, and writes a report (HTML and CSV). Nothing is sent.
 *
 * <pre>
 * BacktestCli --campaigns campaigns.yaml [--campaigns more.yaml] --input rees46|taobao|jsonl --events FILE
 *             [--profiles profiles.jsonl | --zone Asia/Shanghai] [--out DIR] [--set job.option=value ...]
 * BacktestCli --campaigns campaigns.yaml --input kafka --bootstrap HOST:PORT --topic mailflow.events
 *             --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z
 *             [--profiles-topic mailflow.profiles] [--suppressions-topic mailflow.suppressions] [--out DIR]
 * </pre>
 *
 * Exit status: 0 report written, 1 failed, 2 usage error.
 */
public final class BacktestCli {
    private BacktestCli() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, StreamExecutionEnvironment.getExecutionEnvironment(), System.out, System.err));
    }

    /** Runs a backtest on {@code env}; the report's time stamp is the wall clock. */
    public static int run(String[] args, StreamExecutionEnvironment env, PrintStream out, PrintStream err)
            throws Exception {
        return run(args, env, out, err, Instant.now());
    }

    public static int run(
            String[] args, StreamExecutionEnvironment env, PrintStream out, PrintStream err, Instant generatedAt)
            throws Exception {
        BacktestSpec spec;
        try {
            spec = parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println("usage: BacktestCli --campaigns FILE [--campaigns FILE ...] --input rees46|taobao|jsonl"
                    + " --events FILE [--profiles FILE | --zone ZONE] [--out DIR] [--set key=value ...]");
            err.println("       BacktestCli --campaigns FILE --input kafka --bootstrap HOST:PORT --topic TOPIC"
                    + " --from INSTANT --to INSTANT [--profiles-topic T] [--suppressions-topic T] [--out DIR]");
            return 2;
        }
        Backtest.Outputs o = Backtest.run(env, spec);
        if (!o.sendResults().isEmpty()) {
            err.println("a backtest produced " + o.sendResults().size() + " send results: refusing to report");
            return 1;
        }
        String source = spec.input() == BacktestSpec.Input.KAFKA
                ? spec.kafka().eventsTopic() + " " + spec.kafka().from() + " to "
                        + spec.kafka().to()
                : spec.input().name().toLowerCase(Locale.ROOT) + " "
                        + spec.events().getFileName();
        BacktestSummary s = BacktestAggregator.summarize(
                source,
                o.inputRecords(),
                o.decisions(),
                o.deadLetters(),
                o.importRejections(),
                o.sessions(),
                o.segments(),
                o.scores(),
                o.config().get(MailflowOptions.ATTRIBUTION_WINDOW).toMillis());
        BacktestReport.write(s, o.decisions(), spec.out(), generatedAt);
        out.printf(
                Locale.ROOT,
                "backtest of %s: %d e-mails, %d holdout, %d deferrals, %d drops, %d dead letters; report in %s%n",
                source,
                s.totalEmails(),
                s.totalHoldouts(),
                s.totalDeferrals(),
                s.totalDrops(),
                s.deadLetterTotal(),
                spec.out().resolve(BacktestReport.HTML));
        return 0;
    }

    static BacktestSpec parse(String[] args) {
        List<Path> campaigns = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            String k = args[i].substring(2);
            String v = args[i + 1];
            switch (k) {
                case "campaigns" -> {
                    for (String f : v.split(",")) {
                        campaigns.add(Path.of(f.trim()));
                    }
                }
                case "set" -> sets.add(v);
                case "input",
                        "events",
                        "profiles",
                        "zone",
                        "out",
                        "bootstrap",
                        "topic",
                        "profiles-topic",
                        "suppressions-topic",
                        "from",
                        "to" -> opts.put(k, v);
                default -> throw new IllegalArgumentException("unknown option --" + k);
            }
        }
        if (campaigns.isEmpty()) {
            throw new IllegalArgumentException("--campaigns is required");
        }
        String in = opts.get("input");
        if (in == null) {
            throw new IllegalArgumentException("--input is required");
        }
        BacktestSpec.Input input;
        try {
            input = BacktestSpec.Input.valueOf(in.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--input must be kafka, jsonl, rees46 or taobao, got " + in);
        }
        BacktestSpec.KafkaWindow kafka = null;
        Path events = null;
        if (input == BacktestSpec.Input.KAFKA) {
            for (String req : List.of("bootstrap", "topic", "from", "to")) {
                if (!opts.containsKey(req)) {
                    throw new IllegalArgumentException("--" + req + " is required with --input kafka");
                }
            }
            Instant from = instant(opts.get("from"));
            Instant to = instant(opts.get("to"));
            if (!from.isBefore(to)) {
                throw new IllegalArgumentException("--from must be before --to");
            }
            kafka = new BacktestSpec.KafkaWindow(
                    opts.get("bootstrap"),
                    opts.get("topic"),
                    opts.getOrDefault("profiles-topic", MailflowOptions.TOPIC_PROFILES.defaultValue()),
                    opts.getOrDefault("suppressions-topic", MailflowOptions.TOPIC_SUPPRESSIONS.defaultValue()),
                    from,
                    to);
        } else {
            if (!opts.containsKey("events")) {
                throw new IllegalArgumentException("--events is required with --input " + in);
            }
            events = Path.of(opts.get("events"));
        }
        return new BacktestSpec(
                campaigns,
                input,
                events,
                opts.containsKey("profiles") ? Path.of(opts.get("profiles")) : null,
                opts.getOrDefault("zone", "UTC"),
                kafka,
                Path.of(opts.getOrDefault("out", "target/backtest")),
                overrides(sets));
    }

    private static Instant instant(String s) {
        try {
            return Instant.parse(s);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not an ISO-8601 instant (e.g. 2026-11-01T00:00:00Z): " + s);
        }
    }

    private static Map<String, String> overrides(List<String> pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set expects key=value, got " + p);
            }
            m.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return m;
    }
}
