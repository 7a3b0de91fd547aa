package io.mailflow.tools.ops;

import static io.mailflow.features.Sessions.BEGINNING;
import static io.mailflow.features.Sessions.HOUR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.config.MailflowConfig;
import io.mailflow.features.FeatureVector;
import io.mailflow.features.Sessions;
import io.mailflow.features.UserFeatures;
import io.mailflow.io.Json;
import io.mailflow.model.Event;
import io.mailflow.model.SessionSummary;
import io.mailflow.models.ModelOutputs;
import io.mailflow.scoring.Ftrl;
import io.mailflow.scoring.LogRegModel;
import io.mailflow.scoring.PropensityScore;
import io.mailflow.segmentation.SegmentAssignment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StateTool}: inspect the committed savepoint; bootstrap an offline model and start the model pipeline from it. */
class StateToolTest {
    private static final String SAVEPOINT =
            Path.of("src/test/resources/savepoints/0.1.0").toAbsolutePath().toString();

    @Test
    void inspectExportsPerUserSegmentsAsCsvAndStatisticsAsJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("report.json");
        StateTool.main(
                new String[] {"inspect", "--savepoint", SAVEPOINT, "--format", "json", "--out", json.toString()});
        SavepointReport parsed = Json.mapper().readValue(json.toFile(), SavepointReport.class);
        JsonNode report = Json.mapper().readTree(json.toFile());
        JsonNode expected =
                Json.mapper().readTree(Path.of(SAVEPOINT, "expected.json").toFile());
        assertThat(report.at("/stats/pendingTriggers").asInt())
                .isEqualTo(expected.get("pendingTriggers").asInt());
        assertThat(report.at("/stats/pendingTriggersWithoutTimer").asInt()).isZero();
        assertThat(report.at("/stats/pendingTriggersByCampaign/abandoned-cart").asInt())
                .isEqualTo(expected.get("pendingTriggers").asInt());
        assertThat(report.at("/stats/profiles").asInt())
                .isEqualTo(expected.get("profiles").asInt());
        assertThat(report.at("/stats/suppressions").asInt())
                .isEqualTo(expected.get("suppressions").asInt());
        assertThat(report.at("/stats/usersWithSeenEventIds").asInt())
                .isEqualTo(expected.get("usersWithSeenIds").asInt());
        assertThat(report.at("/stats/seenEventIdSweepsWithoutTimer").asInt()).isZero();
        assertThat(report.at("/stats/deferredSends").asInt())
                .isEqualTo(expected.get("deferredSends").asInt());
        assertThat(report.at("/stats/deferredSendsWithoutTimer").asInt()).isZero();
        assertThat(report.at("/stats/kmeansVersion").asLong())
                .isEqualTo(expected.get("kmeansVersion").asLong());
        long segmented = 0;
        for (JsonNode size : report.at("/stats/segmentSizes")) {
            segmented += size.asLong();
        }
        assertThat(segmented).isEqualTo(expected.get("histories").asLong());

        // The same rows as CSV (what --format csv prints).
        List<String> lines = parsed.csv().lines().toList();
        assertThat(lines.get(0)).startsWith("userId,segment,segmentDistance,sessions,");
        Map<String, String[]> rows =
                lines.stream().skip(1).map(l -> l.split(",", -1)).collect(Collectors.toMap(r -> r[0], r -> r));
        assertThat(rows).hasSize(report.get("users").size());
        // a1 was e-mailed: a closed session, so a segment, and no pending cart; b1 still waits for its delay
        assertThat(rows.get("a1")[1]).matches("[01]");
        assertThat(rows.get("a1")[3]).isEqualTo("1");
        assertThat(rows.get("a1")[6]).isEqualTo("0");
        assertThat(rows.get("b1")[6]).isEqualTo("1");
        assertThat(rows.get("b1")[7]).endsWith("Z");
        assertThat(rows.get("e1")[8]).isEqualTo("true"); // a profile, nothing else yet
        assertThat(rows.get("e1")[1]).isEmpty();
        assertThat(lines.get(0)).endsWith(",suppressed,deferredSends");
        assertThat(rows.get("s1")[11]).isEqualTo("UNSUBSCRIBED"); // the profile join refused s1's e-mail
        assertThat(rows.get("q1")[12]).isEqualTo("1"); // q1's e-mail waits for the end of q1's quiet hours
        assertThat(rows.get("a1")[11]).isEmpty();
        assertThat(rows.get("a1")[12]).isEqualTo("0");
    }

    @Test
    void bootstrapServesTheOfflineModelsFromTheFirstRecord(@TempDir Path dir) throws Exception {
        double[] coefficients = new double[FeatureVector.SIZE];
        coefficients[FeatureVector.FREQUENCY] = 0.8;
        coefficients[FeatureVector.CART_ABANDONMENT] = -0.5;
        double[][] centroids = {new double[FeatureVector.SIZE], new double[FeatureVector.SIZE]};
        java.util.Arrays.fill(centroids[1], 1.0);
        Path modelFile = dir.resolve("model.json");
        Files.writeString(
                modelFile,
                Json.toText(new OfflineModel(
                        7,
                        new OfflineModel.KMeans(centroids, new double[] {50, 50}),
                        new OfflineModel.Propensity(coefficients, -1.5))));
        Path savepoint = dir.resolve("bootstrap");
        StateTool.main(
                new String[] {"bootstrap", "--model", modelFile.toString(), "--savepoint", savepoint.toString()});

        // What was written: trainers and scorers hold the offline models; FTRL's accumulators give back its weights.
        SavepointContents c = SavepointContents.read(savepoint.toString());
        assertThat(c.kmeansTrainer().version()).isEqualTo(7);
        assertThat(c.kmeansServing().centroids()[1]).containsOnly(1.0);
        assertThat(c.propensityServing().version()).isEqualTo(7);
        MailflowConfig defaults = MailflowConfig.defaults();
        LogRegModel fromFtrl = new Ftrl(
                        defaults.get(io.mailflow.config.MailflowOptions.FTRL_ALPHA),
                        defaults.get(io.mailflow.config.MailflowOptions.FTRL_BETA),
                        defaults.get(io.mailflow.config.MailflowOptions.FTRL_L1),
                        defaults.get(io.mailflow.config.MailflowOptions.FTRL_L2))
                .model(c.ftrl());
        assertThat(fromFtrl.coefficients()).containsExactly(coefficients, within(1e-9));
        assertThat(fromFtrl.intercept()).isCloseTo(-1.5, within(1e-9));
        assertThat(c.profiles()).isEmpty();

        // Started from it, the model pipeline segments and scores every snapshot with version 7 at once.
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.setMaxParallelism(defaults.get(io.mailflow.config.MailflowOptions.MAX_PARALLELISM));
        List<SessionSummary> sessions = new ArrayList<>();
        for (int u = 0; u < 10; u++) {
            sessions.add(Sessions.browse("user-" + u, BEGINNING + u * 60_000L, u + 1));
            sessions.add(Sessions.cart("user-" + u, BEGINNING + 5 * HOUR + u * 60_000L, "c1", false, 20));
        }
        sessions.sort(Comparator.comparingLong(SessionSummary::end));
        DataStream<SessionSummary> sessionStream = env.fromData(sessions)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<SessionSummary>forMonotonousTimestamps()
                        .withTimestampAssigner((s, t) -> s.end()));
        DataStream<Event> purchases = env.fromData(List.of(new Event(
                        "p",
                        "user-0",
                        null,
                        io.mailflow.model.EventType.PURCHASE,
                        "i",
                        "c1",
                        20.0,
                        1,
                        "USD",
                        null,
                        BEGINNING + 9 * HOUR)))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Event>forMonotonousTimestamps()
                        .withTimestampAssigner((e, t) -> e.timestamp()));
        ModelOutputs out = io.mailflow.models.ModelStage.attach(
                sessionStream,
                purchases,
                io.mailflow.job.PipelineSettings.models(
                        MailflowConfig.builder().set("kmeans.k", "2").build()));
        CloseableIterator<UserFeatures> features = out.features().collectAsync();
        CloseableIterator<SegmentAssignment> segments = out.segments().collectAsync();
        CloseableIterator<PropensityScore> scores = out.scores().collectAsync();
        env.execute("model pipeline from a bootstrap savepoint");

        Map<String, UserFeatures> byKey = new java.util.HashMap<>();
        features.forEachRemaining(f -> byKey.put(f.userId() + "@" + f.asOf(), f));
        List<SegmentAssignment> assigned = new ArrayList<>();
        segments.forEachRemaining(assigned::add);
        List<PropensityScore> scored = new ArrayList<>();
        scores.forEachRemaining(scored::add);
        // Nothing was buffered waiting for a first model: every snapshot got an output, with the bootstrapped version.
        assertThat(assigned)
                .hasSize(sessions.size())
                .allSatisfy(s -> assertThat(s.modelVersion()).isGreaterThanOrEqualTo(7));
        assertThat(scored)
                .hasSize(sessions.size())
                .allSatisfy(s -> assertThat(s.modelVersion()).isEqualTo(7));
        for (PropensityScore s : scored) {
            double[] z = byKey.get(s.userId() + "@" + s.timestamp()).standardized();
            double margin = -1.5;
            for (int i = 0; i < z.length; i++) {
                margin += coefficients[i] * z[i];
            }
            assertThat(s.score()).isCloseTo(1 / (1 + Math.exp(-margin)), within(1e-9));
        }
    }
}
