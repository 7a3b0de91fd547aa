package io.mailflow.tools.backtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailflow.campaigns.CampaignDocuments;
import io.mailflow.common.Uids;
import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.delivery.DeliveryException;
import io.mailflow.delivery.MailClient;
import io.mailflow.delivery.MailClientFactory;
import io.mailflow.delivery.SendLedgerFactory;
import io.mailflow.email.SealedDecisions;
import io.mailflow.ingestion.EventValidator;
import io.mailflow.io.Json;
import io.mailflow.job.MailflowSinks;
import io.mailflow.job.MailflowSources;
import io.mailflow.job.MailflowTopology;
import io.mailflow.job.PipelineSettings;
import io.mailflow.model.CampaignStatus;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.DryRunDecision;
import io.mailflow.model.RawRecord;
import io.mailflow.model.RenderedEmail;
import io.mailflow.model.SendResult;
import io.mailflow.model.SessionSummary;
import io.mailflow.model.UserProfile;
import io.mailflow.privacy.EncryptionSettings;
import io.mailflow.privacy.PersonalDataCipher;
import io.mailflow.scoring.PropensityScore;
import io.mailflow.segmentation.SegmentAssignment;
import io.mailflow.tools.importer.CsvFormat;
import io.mailflow.tools.importer.CsvImporter;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Replays history through the production topology ({@link MailflowTopology}, the same builder the job uses) with
 * the given campaigns forced to dry-run, and collects what it decided. The job is bounded and its event time stops
 * at the last event ({@code job.end-of-input: last-event}); delivery is replaced by a client that refuses to send,
 * and no send ledger is written, so nothing can reach a mail server or a production topic. Runs in one process
 * (the outputs are local files of a working folder, deleted afterwards).
 */
public final class Backtest {
    private Backtest() {}

    /** What the job decided, read back from its outputs. */
    public record Outputs(
            List<DryRunDecision> decisions,
            List<DeadLetter> deadLetters,
            List<SessionSummary> sessions,
            List<SegmentAssignment> segments,
            List<PropensityScore> scores,
            List<CampaignStatus> status,
            List<SendResult> sendResults,
            long inputRecords,
            List<String> importRejections,
            MailflowConfig config) {}

    /** Builds, runs and reads back the backtest job on {@code env} (a local or mini cluster environment). */
    public static Outputs run(StreamExecutionEnvironment env, BacktestSpec spec) throws Exception {
        Path work = Files.createTempDirectory("mailflow-backtest");
        try {
            Path outputs = Files.createDirectories(work.resolve("outputs"));
            MailflowConfig config = config(spec, work);
            Inputs in = inputs(spec, work, config);
            MailflowTopology.build(env, config, in.sources, sinks(outputs), noDelivery());
            env.execute("mailflow-backtest");
            return new Outputs(
                    readable(read(outputs, "decisions", DryRunDecision.class), PipelineSettings.encryption(config)),
                    read(outputs, "dead-letters", DeadLetter.class),
                    read(outputs, "sessions", SessionSummary.class),
                    read(outputs, "segments", SegmentAssignment.class),
                    read(outputs, "scores", PropensityScore.class),
                    read(outputs, "campaign-status", CampaignStatus.class),
                    read(outputs, "send-results", SendResult.class),
                    in.records,
                    in.rejections,
                    config);
        } finally {
            deleteTree(work);
        }
    }

    /** The job's configuration: the user's overrides, then what a backtest cannot do without. */
    static MailflowConfig config(BacktestSpec spec, Path work) throws IOException {
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        MailflowConfig.Builder b = MailflowConfig.builder()
                // links are signed but never followed: a secret of this run only
                .linkSecret(HexFormat.of().formatHex(secret));
        spec.overrides().forEach(b::set);
        if (spec.kafka() != null) {
            b.set("kafka.bootstrap-servers", spec.kafka().bootstrap());
        }
        return b.set(
                        "campaigns.file",
                        mergedCampaigns(spec.campaignFiles(), work).toString())
                .set("job.bounded", "true")
                .set("job.dry-run", "true")
                .set("job.end-of-input", "last-event")
                .set("delivery.ledger", "none")
                .set("topic.catalog", "")
                .build();
    }

    /** Every campaign of every file in one file, each with {@code dryRun: true}. */
    static Path mergedCampaigns(List<Path> files, Path work) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("a backtest needs at least one campaign definition file");
        }
        ArrayNode all = Json.mapper().createArrayNode();
        for (Path f : files) {
            for (JsonNode doc : CampaignDocuments.load(f.toString())) {
                if (!doc.isObject()) {
                    throw new IllegalArgumentException(f + ": a campaign must be an object");
                }
                ObjectNode copy = ((ObjectNode) doc).deepCopy();
                copy.put("dryRun", true);
                all.add(copy);
            }
        }
        Path merged = work.resolve("campaigns.json");
        Files.writeString(merged, Json.mapper().writeValueAsString(all), StandardCharsets.UTF_8);
        return merged;
    }

    private record Inputs(MailflowSources sources, long records, List<String> rejections) {}

    private static Inputs inputs(BacktestSpec spec, Path work, MailflowConfig config) throws IOException {
        int max = EventValidator.MAX_PAYLOAD_BYTES + 1;
        Source<RawRecord, ?, ?> none = FileLines.source(Files.createFile(work.resolve("empty")), "none", max);
        if (spec.input() == BacktestSpec.Input.KAFKA) {
            BacktestSpec.KafkaWindow k = spec.kafka();
            return new Inputs(
                    new MailflowSources(
                            kafka(
                                    config,
                                    k.eventsTopic(),
                                    OffsetsInitializer.timestamp(k.from().toEpochMilli()),
                                    OffsetsInitializer.timestamp(k.to().toEpochMilli())),
                            kafka(
                                    config,
                                    k.profilesTopic(),
                                    OffsetsInitializer.earliest(),
                                    OffsetsInitializer.latest()),
                            kafka(
                                    config,
                                    k.suppressionsTopic(),
                                    OffsetsInitializer.earliest(),
                                    OffsetsInitializer.latest()),
                            none,
                            none),
                    -1,
                    List.of());
        }
        Path events;
        List<String> rejections = new ArrayList<>();
        if (spec.input() == BacktestSpec.Input.JSONL) {
            events = spec.events();
        } else {
            // the importers' formats become the raw records the job reads from the events topic
            events = work.resolve("events.jsonl");
            CsvFormat format = CsvFormat.named(spec.input().name());
            try (BufferedWriter w = Files.newBufferedWriter(events, StandardCharsets.UTF_8)) {
                CsvImporter.Report r = new CsvImporter(format).importFile(spec.events(), e -> {
                    try {
                        w.write(Json.toText(e));
                        w.write('\n');
                    } catch (IOException x) {
                        throw new java.io.UncheckedIOException(x);
                    }
                });
                rejections.addAll(r.rejected());
            }
        }
        Path profiles = spec.profiles() != null ? spec.profiles() : placeholderProfiles(events, spec.zone(), work);
        return new Inputs(
                new MailflowSources(
                        FileLines.source(events, "backtest.events", max),
                        FileLines.source(profiles, "backtest.profiles", max),
                        none,
                        none,
                        none),
                FileLines.count(events) + rejections.size(),
                rejections);
    }

    private static Source<RawRecord, ?, ?> kafka(
            MailflowConfig c, String topic, OffsetsInitializer start, OffsetsInitializer end) {
        return KafkaSource.<RawRecord>builder()
                .setBootstrapServers(c.get(MailflowOptions.KAFKA_BOOTSTRAP))
                .setTopics(topic)
                .setGroupId("mailflow-backtest")
                .setStartingOffsets(start)
                .setBounded(end)
                .setDeserializer(new io.mailflow.io.RawRecordDeserializer())
                .setProperties(PipelineSettings.kafkaSecurity(c).applyTo(new java.util.Properties()))
                .build();
    }

    /**
     * One consenting profile per user id in the file (records whose user id cannot be read are skipped here and
     * dead-lettered by the job). The address is a placeholder: a backtest never sends.
     */
    static Path placeholderProfiles(Path events, String zone, Path work) throws IOException {
        Set<String> users = new LinkedHashSet<>();
        try (BufferedReader r = Files.newBufferedReader(events, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                try {
                    JsonNode n = Json.mapper().readTree(line);
                    JsonNode id = n == null ? null : n.get("userId");
                    if (id != null
                            && id.isTextual()
                            && !id.asText().isBlank()
                            && id.asText().length() <= 256) {
                        users.add(id.asText());
                    }
                } catch (IOException | RuntimeException malformed) {
                    // the job turns it into a dead letter with the reason
                }
            }
        }
        Path out = work.resolve("profiles.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            int n = 0;
            for (String u : users) {
                w.write(Json.toText(new UserProfile(
                        u, "backtest-" + (n++) + "@backtest.invalid", "Customer", "en", zone, true, 1L)));
                w.write('\n');
            }
        }
        return out;
    }

    private static MailflowSinks sinks(Path dir) {
        return new MailflowSinks(
                s -> s.sinkTo(new JsonLinesSink<>(dir, "sessions"))
                        .uid(Uids.SESSIONS_SINK)
                        .name("sessions to file"),
                s -> s.sinkTo(new JsonLinesSink<>(dir, "send-results"))
                        .uid(Uids.SEND_RESULTS_SINK)
                        .name("send results to file"),
                s -> s.sinkTo(new JsonLinesSink<>(dir, "dead-letters"))
                        .uid(Uids.DEAD_LETTERS_SINK)
                        .name("dead letters to file"),
                discard(Uids.LATE_EVENTS_SINK),
                discard(Uids.SUPPRESSIONS_SINK),
                discard(Uids.AUDIT_SINK),
                m -> {
                    m.segments()
                            .sinkTo(new JsonLinesSink<>(dir, "segments"))
                            .uid(Uids.SEGMENTS_SINK)
                            .name("segments to file");
                    m.scores()
                            .sinkTo(new JsonLinesSink<>(dir, "scores"))
                            .uid(Uids.SCORES_SINK)
                            .name("scores to file");
                    discardNow(m.kmeansModels(), Uids.SEGMENT_MODELS_SINK);
                    discardNow(m.propensityModels(), Uids.PROPENSITY_MODELS_SINK);
                    discardNow(m.validation(), Uids.MODEL_METRICS_SINK);
                },
                f -> {
                    discardNow(f.campaignStats(), Uids.CAMPAIGN_STATS_SINK);
                    discardNow(f.engagementFeatures(), Uids.ENGAGEMENT_FEATURES_SINK);
                    f.dpCampaignStats().ifPresent(discard(Uids.CAMPAIGN_STATS_DP_SINK));
                },
                s -> s.sinkTo(new JsonLinesSink<>(dir, "campaign-status"))
                        .uid(Uids.CAMPAIGN_STATUS_SINK)
                        .name("campaign status to file"),
                discard(Uids.CAMPAIGN_EVENTS_SINK),
                s -> s.sinkTo(new JsonLinesSink<>(dir, "decisions"))
                        .uid(Uids.DECISIONS_SINK)
                        .name("dry-run decisions to file"));
    }

    private static <T> void discardNow(DataStream<T> s, String uid) {
        s.sinkTo(new DiscardingSink<>()).uid(uid).name(uid + " (discarded)");
    }

    private static <T> Consumer<DataStream<T>> discard(String uid) {
        return s -> s.sinkTo(new DiscardingSink<>()).uid(uid).name(uid + " (discarded)");
    }

    /** Delivery that refuses: every request of a backtest is a dry run, so this is never asked to send. */
    static MailflowTopology.Delivery noDelivery() {
        MailClientFactory clients = () -> new MailClient() {
            @Override
            public String send(RenderedEmail email) throws DeliveryException {
                throw new IllegalStateException("a backtest never sends e-mail");
            }

            @Override
            public void close() {}
        };
        return new MailflowTopology.Delivery(clients, SendLedgerFactory.none());
    }

    /**
     * The decisions as the report shows them: with {@code privacy.encryption.enabled} their subjects and excerpts
     * are sealed under the users' keys, opened here for the report, or {@code [erased]} once a user's key is gone.
     */
    static List<DryRunDecision> readable(List<DryRunDecision> decisions, EncryptionSettings encryption) {
        if (decisions.stream().noneMatch(SealedDecisions::isSealed)) {
            return decisions;
        }
        try (PersonalDataCipher cipher = encryption.open()) {
            if (cipher == null) { // sealed although encryption is off in this run: nothing can open them
                return decisions.stream()
                        .map(d -> SealedDecisions.isSealed(d)
                                ? d.withTexts(SealedDecisions.ERASED, SealedDecisions.ERASED)
                                : d)
                        .toList();
            }
            return decisions.stream().map(d -> SealedDecisions.open(d, cipher)).toList();
        }
    }

    static <T> List<T> read(Path dir, String name, Class<T> type) throws IOException {
        List<T> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, name + "-*.jsonl")) {
            List<Path> sorted = new ArrayList<>();
            files.forEach(sorted::add);
            sorted.sort(null);
            for (Path f : sorted) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        out.add(Json.mapper().readValue(line, type));
                    }
                }
            }
        }
        return out;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
