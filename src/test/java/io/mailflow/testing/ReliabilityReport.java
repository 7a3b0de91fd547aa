package io.mailflow.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Where the reliability tests leave their measurements: {@code target/reliability/<name>.md}, also
 * printed, so that {@code .ci/run} can show them and docs/benchmarks.md can quote them.
 */
public final class ReliabilityReport {
    private ReliabilityReport() {}

    public static void write(String name, String markdown) throws IOException {
        String text = markdown + "\n(measured " + Instant.now() + ")\n";
        Path dir = Files.createDirectories(Path.of("target", "reliability"));
        Files.writeString(dir.resolve(name + ".md"), text);
        System.out.println(text);
    }
}
