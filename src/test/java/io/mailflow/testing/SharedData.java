package io.mailflow.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the public e-commerce logs in {@code ../shared/data}. Where they are absent (a user's
 * clone) tests that need them are skipped with a message; with {@code MAILFLOW_REQUIRE_SHARED_DATA=true}
 * in the environment (set by .ci/run) their absence fails the test instead, so CI never skips silently.
 */
public final class SharedData {
    private SharedData() {}

    public static Path require(String relative) {
        Path base = Path.of(System.getProperty("mailflow.sharedData", "../shared/data"));
        Path file = base.resolve(relative);
        boolean present = Files.isReadable(file);
        if (!present && "true".equalsIgnoreCase(System.getenv("MAILFLOW_REQUIRE_SHARED_DATA"))) {
            throw new AssertionError("Required shared data file is missing: " + file.toAbsolutePath()
                    + " (MAILFLOW_REQUIRE_SHARED_DATA=true)");
        }
        assumeTrue(present, "Skipped: shared data file " + file.toAbsolutePath() + " is not present");
        return file;
    }
}
