package io.mailflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.mailflow.config.MailflowConfig;
import io.mailflow.job.MailflowJob;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.LiveShoppers;
import io.mailflow.testing.PipelineFixture;
import io.mailflow.tools.cli.UserPreview;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code preview --savepoint --user --campaign} against a savepoint this test takes: the real, unbounded topology
 * runs on Kafka until three shoppers' abandoned-cart e-mails reached GreenMail, is stopped with a savepoint, and
 * the preview reads one shopper from it (profile from the profile join, facts from the trigger operator; the
 * campaign from {@code campaigns.file}, which is not state). It renders without sending and without printing the
 * address.
 */
class PreviewFromSavepointITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @TempDir
    Path dir;

    @Test
    void previewsAShopperOfASavepointTakenFromARunningJob() throws Exception {
        PipelineFixture f = PipelineFixture.create(
                KAFKA.broker(),
                "pv",
                SMTP.getSmtp().getPort(),
                "job.bounded",
                "false",
                "session.gap",
                "1s",
                "abandoned-cart.delay",
                "1s",
                "profiles.grace",
                "1s",
                "ingest.max-out-of-orderness",
                "1s",
                // live wall-clock event time: no quiet hours, so that the outcome does not depend on the time of day
                "guardrails.quiet-hours-start",
                "0ms",
                "guardrails.quiet-hours-end",
                "0ms");
        MailflowConfig config = f.config();
        StreamExecutionEnvironment env = FlinkTestEnv.env();
        JobClient job = MailflowJob.start(env, config);
        Path savepoint;
        try (LiveShoppers shoppers = new LiveShoppers(config, "pv", 3, Duration.ofSeconds(1)).start()) {
            assertThat(SMTP.waitForIncomingEmail(120_000, 3))
                    .as("three carts e-mailed")
                    .isTrue();
            savepoint = Path.of(URI.create(
                    job.stopWithSavepoint(false, dir.resolve("sp").toUri().toString(), SavepointFormatType.CANONICAL)
                            .get()));
        } catch (Exception | AssertionError e) {
            job.cancel();
            throw e;
        }
        int mailed = SMTP.getReceivedMessages().length;

        String user = LiveShoppers.user("pv", 0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        UserPreview.Outcome o = UserPreview.preview(
                savepoint.toString(),
                user,
                "abandoned-cart",
                PipelineFixture.ABANDONED_CART_ONLY,
                "",
                MailflowConfig.defaults(),
                Instant.parse("2026-12-07T10:00:00Z").toEpochMilli(),
                dir.resolve("out"),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertThat(o).isNotNull();
        assertThat(printed)
                .as("the profile and the facts were read from the savepoint")
                .contains("user " + user + ": e-mail p***@example.com, locale en, zone UTC, consent true")
                .contains("facts: segment ")
                .contains("verdict: would send")
                .doesNotContain(LiveShoppers.address(user));
        assertThat(o.request().userId()).isEqualTo(user);
        assertThat(o.subject()).contains("Shopper 0");
        for (String file : o.files()) {
            assertThat(Files.readString(Path.of(file))).isNotBlank().doesNotContain(LiveShoppers.address(user));
        }
        assertThat(SMTP.getReceivedMessages()).as("the preview sends nothing").hasSize(mailed);
    }
}
