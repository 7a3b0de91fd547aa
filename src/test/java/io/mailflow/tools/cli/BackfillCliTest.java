package io.mailflow.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.tools.backfill.Backfill;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The backfill command's usage errors (exit 2, nothing started) and the configuration it turns the job's into. */
class BackfillCliTest {

    @Test
    void refusesToStartWithoutAStartOrASavepointDirectory() {
        assertUsageError("the --from and --savepoint-dir options are required", "--savepoint-dir", "/tmp/sp");
        assertUsageError("the --from and --savepoint-dir options are required", "--from", "earliest");
    }

    @Test
    void refusesALiveStartPointAndBadValues() {
        assertUsageError("--from takes an instant", "--from", "latest", "--savepoint-dir", "/tmp/sp");
        assertUsageError("--from takes an instant", "--from", "committed", "--savepoint-dir", "/tmp/sp");
        assertUsageError("kafka.start-from", "--from", "yesterday", "--savepoint-dir", "/tmp/sp");
        assertUsageError(
                "--parallelism must be >= 1", "--from", "earliest", "--savepoint-dir", "/tmp/sp", "--parallelism", "0");
        assertUsageError(
                "--poll and --timeout must be positive",
                "--from",
                "earliest",
                "--savepoint-dir",
                "/tmp/sp",
                "--poll",
                "0s");
        assertUsageError("no-such.option", "--from", "earliest", "--savepoint-dir", "/tmp/sp", "--no-such.option", "1");
    }

    @Test
    void theBackfillRunsTheJobInDryRunWithItsOwnGroup() {
        MailflowConfig live = MailflowConfig.builder()
                .set("kafka.group-id", "shop")
                .set("job.bounded", "true")
                .set("kafka.start-from", "latest")
                .build();
        MailflowConfig b = Backfill.backfillConfig(live, "2026-11-01T00:00:00Z");
        assertThat(b.get(MailflowOptions.DRY_RUN)).isTrue();
        assertThat(b.get(MailflowOptions.BOUNDED)).isFalse();
        assertThat(b.get(MailflowOptions.KAFKA_GROUP_ID)).isEqualTo("shop-backfill");
        assertThat(b.get(MailflowOptions.KAFKA_START_FROM)).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(live.get(MailflowOptions.DRY_RUN))
                .as("the live configuration is left alone")
                .isFalse();
    }

    @Test
    void savepointDirectoriesAreUrisOrLocalPaths() {
        assertThat(BackfillCli.directory("s3://bucket/backfill")).isEqualTo("s3://bucket/backfill");
        assertThat(BackfillCli.directory("file:///var/sp")).isEqualTo("file:///var/sp");
        assertThat(BackfillCli.directory("sp"))
                .isEqualTo(Path.of("sp").toAbsolutePath().toUri().toString());
        assertThat(BackfillCli.duration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(BackfillCli.duration("6h")).isEqualTo(Duration.ofHours(6));
    }

    private static void assertUsageError(String message, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BackfillCli.run(
                args,
                null,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(message).contains("usage: BackfillCli");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
