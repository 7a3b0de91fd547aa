package io.mailflow.tools.demo;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.util.TimeUtils;

/**
 * Command-line options of the embedded demo.
 *
 * @param duration wall-clock run time of the generator (live mode)
 * @param speed simulated seconds per wall-clock second, so 30-minute sessions close within a short demo
 * @param users number of simulated shoppers
 * @param eventsPerSecond wall-clock event rate of the generator
 * @param replay {@code format:path} of a CSV to replay instead of generating traffic, or null
 * @param out folder for captured e-mails
 * @param seed seed of the generated traffic and of the simulated recipients' answers
 * @param start the simulated time at which generated traffic starts, or null for a run that ends about now; a
 *     fixed start makes the recipients' local times (quiet hours) the same in every run, whatever the time of day
 */
public record DemoOptions(
        Duration duration,
        int speed,
        int users,
        int eventsPerSecond,
        String replay,
        Path out,
        int parallelism,
        long seed,
        java.time.Instant start) {

    public static DemoOptions parse(String[] args) {
        Duration duration = Duration.ofSeconds(60);
        int speed = 240;
        int users = 3000;
        int rate = 400;
        String replay = null;
        Path out = Path.of("demo-out");
        int parallelism = 2;
        long seed = 42L;
        java.time.Instant start = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            if (v == null) {
                throw new IllegalArgumentException("Option " + a + " needs a value. " + usage());
            }
            switch (a) {
                case "--duration" -> duration = TimeUtils.parseDuration(v);
                case "--speed" -> speed = positive(a, v);
                case "--users" -> users = positive(a, v);
                case "--rate" -> rate = positive(a, v);
                case "--replay" -> replay = v;
                case "--out" -> out = Path.of(v);
                case "--parallelism" -> parallelism = positive(a, v);
                case "--seed" -> seed = positive(a, v);
                case "--start" -> start = java.time.Instant.parse(v);
                default -> throw new IllegalArgumentException("Unknown option " + a + ". " + usage());
            }
            i++;
        }
        return new DemoOptions(duration, speed, users, rate, replay, out, parallelism, seed, start);
    }

    private static int positive(String option, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("Option " + option + " needs a positive integer, got '" + v + "'.");
    }

    static String usage() {
        return "Usage: [--duration 60s] [--speed 240] [--users 3000] [--rate 400] [--parallelism 2] [--out demo-out]"
                + " [--seed 42] [--start 2026-03-02T09:00:00Z]"
                + " [--replay taobao:FILE|rees46:FILE]";
    }
}
