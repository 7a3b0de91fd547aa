package io.mailflow.tools.cli;

import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.tools.backfill.Backfill;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Backfills the job's state from history in Kafka, then stops with a savepoint for the live job to start from
 * (see {@link Backfill}). Runs the production topology in this JVM (a local Flink runtime), in dry-run:
 *
 * <pre>
 * BackfillCli --from 2026-11-01T00:00:00Z|earliest --savepoint-dir DIR|URI [--parallelism N] [--poll 5s]
 *             [--timeout 6h] [--config job.yaml] [--kafka.bootstrap-servers HOST:PORT ...]
 * flink run -s SAVEPOINT mailflow.jar --config job.yaml        (the live job, from the backfill's state)
 * </pre>
 *
 * Every other {@code --key value} is a job option, as for the job itself. Exit status: 0 savepoint written, 1
 * failed, 2 usage error.
 */
public final class BackfillCli {
    private BackfillCli() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, null, System.out, System.err));
    }

    /** @param env the environment to run in, or null for the context's (a cluster under flink run, else local) */
    public static int run(String[] args, StreamExecutionEnvironment env, PrintStream out, PrintStream err) {
        String from = null;
        String dir = null;
        int parallelism = 0;
        Duration poll = Duration.ofSeconds(5);
        Duration timeout = Duration.ofHours(6);
        List<String> job = new ArrayList<>();
        MailflowConfig config;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String v = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--from" -> from = value(a, v);
                    case "--savepoint-dir" -> dir = directory(value(a, v));
                    case "--parallelism" -> parallelism = positive(a, Integer.parseInt(value(a, v)));
                    case "--poll" -> poll = duration(value(a, v));
                    case "--timeout" -> timeout = duration(value(a, v));
                    default -> {
                        job.add(a);
                        continue;
                    }
                }
                i++;
            }
            if (from == null || dir == null) {
                throw new IllegalArgumentException("the --from and --savepoint-dir options are required");
            }
            if (from.equals("committed") || from.equals("latest")) {
                throw new IllegalArgumentException("--from takes an instant (2026-11-01T00:00:00Z) or earliest");
            }
            if (poll.isNegative() || poll.isZero() || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("--poll and --timeout must be positive");
            }
            config = Backfill.backfillConfig(MailflowConfig.fromArgs(job.toArray(String[]::new)), from);
        } catch (RuntimeException e) {
            err.println(e.getMessage());
            err.println("usage: BackfillCli --from INSTANT|earliest --savepoint-dir DIR|URI [--parallelism N]"
                    + " [--poll 5s] [--timeout 6h] [--config job.yaml] [--option value ...]");
            return 2;
        }
        try {
            if (env == null) {
                // under flink run: the cluster; from Maven or java: a local runtime in this JVM
                Configuration conf = new Configuration();
                conf.set(PipelineOptions.GENERIC_TYPES, false);
                env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
                if (env instanceof LocalStreamEnvironment) {
                    // in this JVM: checkpoints beside the savepoint, not in the job manager's memory
                    Configuration local = new Configuration();
                    local.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
                    local.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir + "/checkpoints");
                    env.configure(local);
                }
                if (parallelism > 0) {
                    env.setParallelism(parallelism);
                }
                env.setMaxParallelism(config.get(MailflowOptions.MAX_PARALLELISM));
            }
            Backfill.Result r = Backfill.run(env, config, dir, poll, timeout, out::println);
            out.println(String.format(
                    Locale.ROOT,
                    "savepoint: %s%n%,d records in %.1f s (%,.0f records/s). Start the live job from it:"
                            + " flink run -s %s ...",
                    r.savepoint(),
                    r.records(),
                    r.millis() / 1000.0,
                    r.records() / Math.max(0.001, r.millis() / 1000.0),
                    r.savepoint()));
            return 0;
        } catch (Exception e) {
            err.println("backfill failed: " + e.getMessage());
            return 1;
        }
    }

    /** A URI as given (file:///..., s3://...), a local path as an absolute file URI. */
    static String directory(String d) {
        return d.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")
                ? d
                : Path.of(d).toAbsolutePath().toUri().toString();
    }

    private static int positive(String option, int n) {
        if (n < 1) {
            throw new IllegalArgumentException(option + " must be >= 1");
        }
        return n;
    }

    private static String value(String option, String v) {
        if (v == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return v;
    }

    /** 90s, 5m, 6h, 2d. */
    static Duration duration(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException("a duration such as 30s, 5m, 6h: " + s);
        };
    }
}
