package io.mailflow.tools.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.mailflow.campaigns.CampaignDocuments;
import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.io.Json;
import io.mailflow.job.MailflowJob;
import io.mailflow.model.DryRunDecision;
import io.mailflow.model.Event;
import io.mailflow.model.UserProfile;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.PipelineFixture;
import io.mailflow.testing.SharedData;
import io.mailflow.tools.importer.CsvImporter;
import io.mailflow.tools.importer.Rees46Format;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backtest decides exactly what the live job does with the same history: the whole REES46 extract (17,434
 * events of 2019-10-01 00:00 to 02:50 UTC) replayed once by the live job (Kafka in, MiniCluster, GreenMail
 * receiving the e-mails) and once by the backtest (the CSV through the importer, the campaign forced to dry-run).
 * Same request ids e-mailed, and the same holdout, deferral and drop decisions with the same reasons. Half of the
 * users live in Asia/Shanghai (08:00 to 10:50 local: e-mailed) and half in UTC (night: deferred by quiet hours
 * past the end of the history); the default campaigns' holdouts, cooldowns and caps. Skipped with a message when
 * the data is absent.
 */
class BacktestRees46ITCase {
    /**
     * The default campaigns whose triggers follow from the events alone. Segment-entry and score-threshold triggers
     * also depend on when each model update reaches the trigger operator (a broadcast, racing the events), which
     * not even two live runs reproduce request by request; they are left out of an id-by-id comparison.
     */
    static final Set<String> EVENT_DRIVEN =
            Set.of("abandoned-cart", "browse-abandonment", "post-purchase-cross-sell", "win-back");

    /** The options both runs share (the live fixture adds its topics and SMTP server). */
    static final String[] OPTIONS = {
        "session.gap", "30min",
        "abandoned-cart.delay", "1h",
        "ingest.max-out-of-orderness", "1min",
        "job.end-of-input", "last-event"
    };

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @TempDir
    Path dir;

    @Test
    void theBacktestDecidesWhatTheLiveJobSent() throws Exception {
        Path csv = SharedData.require("rees46/2019-Oct-head17k.csv");
        ArrayNode kept = Json.mapper().createArrayNode();
        for (JsonNode c : CampaignDocuments.load("classpath:campaigns/default-campaigns.yaml")) {
            if (EVENT_DRIVEN.contains(c.path("id").asText())) {
                kept.add(c);
            }
        }
        assertThat(kept).hasSize(EVENT_DRIVEN.size());
        Path campaigns = Files.writeString(dir.resolve("campaigns.json"), kept.toString());
        List<Event> events = new CsvImporter(new Rees46Format()).readAll(csv);
        Map<String, UserProfile> profiles = new LinkedHashMap<>();
        for (Event e : events) {
            profiles.computeIfAbsent(
                    e.userId(),
                    u -> new UserProfile(
                            u,
                            "user" + u + "@example.com",
                            "Shopper " + u,
                            "en",
                            (u.hashCode() & 1) == 0 ? "UTC" : "Asia/Shanghai",
                            true,
                            1));
        }
        Path profileFile = dir.resolve("profiles.jsonl");
        Files.write(profileFile, profiles.values().stream().map(Json::toText).toList(), StandardCharsets.UTF_8);

        // ---- live: Kafka in, MiniCluster, GreenMail ----
        String[] liveOptions = new String[OPTIONS.length + 2];
        System.arraycopy(OPTIONS, 0, liveOptions, 0, OPTIONS.length);
        liveOptions[OPTIONS.length] = "campaigns.file";
        liveOptions[OPTIONS.length + 1] = campaigns.toString();
        PipelineFixture fixture =
                PipelineFixture.create(KAFKA.broker(), "bt46", SMTP.getSmtp().getPort(), liveOptions);
        MailflowConfig config = fixture.config();
        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            for (UserProfile u : profiles.values()) {
                p.send(new ProducerRecord<>(
                        config.get(MailflowOptions.TOPIC_PROFILES), key(u.userId()), Json.toBytes(u)));
            }
            for (Event e : events) {
                p.send(new ProducerRecord<>(
                        config.get(MailflowOptions.TOPIC_EVENTS), key(e.userId()), Json.toBytes(e)));
            }
        }
        StreamExecutionEnvironment live = FlinkTestEnv.env();
        MailflowJob.define(live, config);
        live.execute("rees46-live");

        List<String> liveDecisions = new ArrayList<>();
        for (JsonNode e : fixture.read(MailflowOptions.TOPIC_CAMPAIGN_EVENTS)) {
            assertThat(e.path("dryRun").asBoolean()).isFalse();
            String kind = switch (e.path("outcome").asText()) {
                case "RELEASED" -> "SEND";
                case "DEFERRED" -> "DEFER";
                case "DROPPED" -> "DROP";
                default -> e.path("outcome").asText();
            };
            liveDecisions.add(e.path("requestId").asText() + " " + kind + " "
                    + e.path("reason").asText());
        }
        List<String> liveSent = new ArrayList<>();
        for (MimeMessage m : SMTP.getReceivedMessages()) {
            String id = m.getMessageID(); // <requestId@domain>
            liveSent.add(id.substring(1, id.lastIndexOf('@')));
        }

        // ---- backtest: the same history from the CSV, the campaign forced to dry-run ----
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < OPTIONS.length; i += 2) {
            overrides.put(OPTIONS[i], OPTIONS[i + 1]);
        }
        Backtest.Outputs bt = Backtest.run(
                FlinkTestEnv.env(),
                new BacktestSpec(
                        List.of(campaigns),
                        BacktestSpec.Input.REES46,
                        csv,
                        profileFile,
                        "UTC",
                        null,
                        dir.resolve("report"),
                        overrides));
        assertThat(bt.sendResults()).isEmpty();
        List<String> backtestDecisions = bt.decisions().stream()
                .map(d -> d.requestId() + " " + d.decision() + " " + d.reason())
                .toList();
        List<String> backtestSent = bt.decisions().stream()
                .filter(d -> d.decision() == DryRunDecision.Kind.SEND)
                .map(DryRunDecision::requestId)
                .toList();

        // the comparison means something: e-mails, holdouts and deferrals all occur
        assertThat(liveSent).hasSizeGreaterThan(10);
        assertThat(liveDecisions).anyMatch(d -> d.contains(" HOLDOUT "));
        assertThat(liveDecisions).anyMatch(d -> d.contains(" DEFER quiet hours in UTC"));

        assertThat(backtestSent).containsExactlyInAnyOrderElementsOf(liveSent);
        assertThat(backtestDecisions).containsExactlyInAnyOrderElementsOf(liveDecisions);

        BacktestSummary s = BacktestAggregator.summarize(
                "rees46",
                bt.inputRecords(),
                bt.decisions(),
                bt.deadLetters(),
                bt.importRejections(),
                bt.sessions(),
                bt.segments(),
                bt.scores(),
                bt.config().get(MailflowOptions.ATTRIBUTION_WINDOW).toMillis());
        assertThat(s.totalEmails()).isEqualTo(liveSent.size());
        BacktestReport.write(
                s, bt.decisions(), Path.of("target", "backtest-rees46"), Instant.parse("2026-12-02T12:00:00Z"));
        System.out.printf(
                "REES46 backtest = live: %d e-mails, %d holdout, %d deferrals, %d drops, %d decisions%n",
                s.totalEmails(), s.totalHoldouts(), s.totalDeferrals(), s.totalDrops(), liveDecisions.size());
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
