package io.mailflow.models;

import static io.mailflow.features.Sessions.BEGINNING;
import static io.mailflow.features.Sessions.HOUR;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.features.Sessions;
import io.mailflow.features.UserFeatures;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import io.mailflow.model.SessionSummary;
import io.mailflow.scoring.LabeledExample;
import io.mailflow.scoring.PropensityScore;
import io.mailflow.scoring.ValidationMetrics;
import io.mailflow.segmentation.KMeansModel;
import io.mailflow.segmentation.SegmentAssignment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/** The whole model pipeline on bounded input, at parallelism 2 with generic (Kryo) types disabled. */
class ModelStageTest {
    private static final int USERS = 30;

    @Test
    void everySnapshotIsSegmentedLabelledAndScoredWithAModelVersion() throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.setMaxParallelism(16);
        MailflowConfig config = MailflowConfig.builder()
                .set(MailflowOptions.KMEANS_K, 3)
                .set(MailflowOptions.KMEANS_BATCH_SIZE, 10)
                .set(MailflowOptions.FTRL_PUBLISH_EVERY, 5)
                .set(MailflowOptions.LABEL_HORIZON, Duration.ofHours(2))
                .build();

        List<SessionSummary> sessions = new ArrayList<>();
        List<Event> purchases = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            String user = "user-" + u;
            long start = BEGINNING + u * 60_000L;
            sessions.add(
                    u % 2 == 0 ? Sessions.cart(user, start, "c" + u % 3, false, 30) : Sessions.browse(user, start, u));
            sessions.add(Sessions.browse(user, start + 10 * HOUR, 1));
            if (u % 2 == 0) {
                long t = start + HOUR;
                purchases.add(new Event("p" + u, user, "s", EventType.PURCHASE, "i", "c", 30.0, 1, "EUR", null, t));
            }
        }
        // Someone else's purchase later carries event time past the first sessions' horizons (at most 3 hours in)
        // but not past the second sessions' (10 to 12.5 hours in): those are censored when the input ends, and
        // never become examples. (At 20 hours it did pass them, and whether they were censored then depended on
        // which input ended first.)
        purchases.add(new Event(
                "late", "late", "s", EventType.PURCHASE, "i", "c", 30.0, 1, "EUR", null, BEGINNING + 5 * HOUR));
        sessions.sort(java.util.Comparator.comparingLong(SessionSummary::end));
        // Punctuated watermarks: periodic ones may not be emitted at all before a bounded source ends, and
        // which snapshots are censored would then depend on timing.
        DataStream<SessionSummary> sessionStream =
                env.fromData(sessions).assignTimestampsAndWatermarks(everyElement((s, t) -> s.end()));
        DataStream<Event> purchaseStream =
                env.fromData(purchases).assignTimestampsAndWatermarks(everyElement((e, t) -> e.timestamp()));

        ModelOutputs outputs =
                ModelStage.attach(sessionStream, purchaseStream, io.mailflow.job.PipelineSettings.models(config));
        CloseableIterator<UserFeatures> features = outputs.features().collectAsync();
        CloseableIterator<SegmentAssignment> segments = outputs.segments().collectAsync();
        CloseableIterator<KMeansModel> kmeansModels = outputs.kmeansModels().collectAsync();
        CloseableIterator<LabeledExample> examples = outputs.examples().collectAsync();
        CloseableIterator<PropensityScore> scores = outputs.scores().collectAsync();
        CloseableIterator<ValidationMetrics> validation = outputs.validation().collectAsync();
        env.execute("model pipeline test");

        int snapshots = 2 * USERS;
        assertThat(drain(features)).hasSize(snapshots);
        List<KMeansModel> models = drain(kmeansModels);
        assertThat(models).extracting(KMeansModel::version).startsWith(1L, 2L);
        List<SegmentAssignment> assigned = drain(segments);
        // Snapshots that arrive before the first model are buffered latest-per-user, so every user's
        // latest snapshot is assigned; earlier ones only if the model was already there.
        assertThat(assigned)
                .extracting(SegmentAssignment::userId)
                .hasSizeBetween(USERS, snapshots)
                .containsAll(userIds());
        assertThat(assigned).allSatisfy(a -> {
            assertThat(a.modelVersion()).isPositive();
            assertThat(a.segment()).isBetween(0, 2);
        });
        List<LabeledExample> labelled = drain(examples);
        assertThat(labelled)
                .as("the first sessions; the second ones are censored")
                .hasSize(USERS);
        assertThat(labelled)
                .filteredOn(e -> e.label() == 1.0)
                .extracting(LabeledExample::snapshotTime)
                .as("only the first sessions of the even users were followed by a purchase")
                .hasSize(USERS / 2)
                .allSatisfy(t -> assertThat(t).isLessThan(BEGINNING + 10 * HOUR));
        List<PropensityScore> scored = drain(scores);
        assertThat(scored)
                .extracting(PropensityScore::userId)
                .hasSizeBetween(USERS, snapshots)
                .containsAll(userIds());
        assertThat(scored).allSatisfy(s -> {
            assertThat(s.modelVersion()).isPositive();
            assertThat(s.score()).isBetween(0.0, 1.0);
        });
        // The published validation is over the scores the job served (first score of each labelled snapshot),
        // never re-scored: recompute it from the two outputs. Which snapshots were scored depends on when the
        // first model overtook the bounded input (until then the scorer buffers each user's latest snapshot).
        List<double[]> pairs = servedPairs(labelled, scored);
        List<ValidationMetrics> published = drain(validation);
        if (pairs.isEmpty()) {
            assertThat(published)
                    .as("nothing served was labelled: nothing to publish")
                    .isEmpty();
            return;
        }
        ValidationMetrics last = published.get(published.size() - 1);
        assertThat(last.examples()).isEqualTo(pairs.size());
        assertThat(last.window()).isEqualTo(pairs.size());
        assertThat(last.modelVersion()).isPositive();
        io.mailflow.scoring.ProgressiveValidator expected = new io.mailflow.scoring.ProgressiveValidator(pairs.size());
        pairs.forEach(p -> expected.add(p[0], p[1]));
        assertThat(last.auc()).isEqualTo(expected.auc());
        assertThat(last.logLoss()).isCloseTo(expected.logLoss(), org.assertj.core.api.Assertions.within(1e-12));
        assertThat(last.calibrationError())
                .isCloseTo(expected.calibrationError(), org.assertj.core.api.Assertions.within(1e-12));
    }

    /**
     * Idle snapshots on a MiniCluster at parallelism 2: users who stay away are snapshotted again at their idle
     * timers, and the latest of those reaches the scores stream (the trigger stage's input, as wired by {@code
     * MailflowTopology}) as an idle score stamped with a model version, whichever came first at the scorer, the first
     * model or the idle snapshots (it buffers each user's latest). Idle snapshots are neither labelled nor
     * segmented, and the published validation still equals the one recomputed from the session scores served.
     */
    @Test
    void aDormantUsersIdleScoreReachesTheScoresStream() throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.setMaxParallelism(16);
        MailflowConfig config = MailflowConfig.builder()
                .set(MailflowOptions.KMEANS_K, 2)
                .set(MailflowOptions.KMEANS_BATCH_SIZE, 4)
                .set(MailflowOptions.FTRL_PUBLISH_EVERY, 2)
                .set(MailflowOptions.LABEL_HORIZON, Duration.ofHours(2))
                .set(MailflowOptions.FEATURES_IDLE_SNAPSHOT_AFTER, Duration.ofHours(4))
                .set(MailflowOptions.FEATURES_IDLE_SNAPSHOT_MAX, 2)
                .build();
        int dormant = 8;
        List<SessionSummary> sessions = new ArrayList<>();
        List<Event> purchases = new ArrayList<>();
        java.util.Map<String, Long> ends = new java.util.HashMap<>();
        for (int u = 0; u < dormant; u++) {
            String user = "user-" + u;
            long start = BEGINNING + u * 60_000L;
            SessionSummary s =
                    u % 2 == 0 ? Sessions.cart(user, start, "c" + u % 3, false, 30) : Sessions.browse(user, start, u);
            sessions.add(s);
            ends.put(user, s.end());
            if (u % 2 == 0) {
                long t = start + HOUR;
                purchases.add(new Event("p" + u, user, "s", EventType.PURCHASE, "i", "c", 30.0, 1, "EUR", null, t));
            }
        }
        // someone else's visit and purchase a day later carry event time past every dormant user's idle timers
        long later = BEGINNING + 30 * HOUR;
        sessions.add(Sessions.browse("clock", later, 1));
        purchases.add(new Event("late", "clock", "s", EventType.PURCHASE, "i", "c", 30.0, 1, "EUR", null, later));
        DataStream<SessionSummary> sessionStream =
                env.fromData(sessions).assignTimestampsAndWatermarks(everyElement((s, t) -> s.end()));
        DataStream<Event> purchaseStream =
                env.fromData(purchases).assignTimestampsAndWatermarks(everyElement((e, t) -> e.timestamp()));

        ModelOutputs outputs =
                ModelStage.attach(sessionStream, purchaseStream, io.mailflow.job.PipelineSettings.models(config));
        CloseableIterator<UserFeatures> features = outputs.features().collectAsync();
        CloseableIterator<SegmentAssignment> segments = outputs.segments().collectAsync();
        CloseableIterator<LabeledExample> examples = outputs.examples().collectAsync();
        CloseableIterator<PropensityScore> scores = outputs.scores().collectAsync();
        CloseableIterator<ValidationMetrics> validation = outputs.validation().collectAsync();
        env.execute("idle snapshots test");

        List<UserFeatures> snapshots = drain(features);
        List<UserFeatures> idle = snapshots.stream().filter(UserFeatures::idle).toList();
        int visit = io.mailflow.features.ModelExtras.NUMERIC_NAMES.indexOf("hours_since_visit");
        assertThat(idle)
                .as("two per dormant user; none for the clock user, whose timers the end of the input reached")
                .hasSize(2 * dormant)
                .allSatisfy(f -> {
                    long away = f.asOf() - ends.get(f.userId());
                    assertThat(away).isIn(4 * HOUR, 8 * HOUR);
                    assertThat(f.extras().numeric(f.asOf())[visit]).isEqualTo(away / (double) HOUR);
                });
        java.util.Set<String> idleAt =
                idle.stream().map(f -> f.userId() + "@" + f.asOf()).collect(java.util.stream.Collectors.toSet());

        List<PropensityScore> scored = drain(scores);
        for (int u = 0; u < dormant; u++) {
            String user = "user-" + u;
            assertThat(scored).as(user + "'s latest idle snapshot is scored").anySatisfy(p -> {
                assertThat(p.userId()).isEqualTo(user);
                assertThat(p.timestamp()).isEqualTo(ends.get(user) + 8 * HOUR);
                assertThat(p.idle()).isTrue();
                assertThat(p.modelVersion()).isPositive();
            });
        }
        assertThat(scored)
                .filteredOn(PropensityScore::idle)
                .allSatisfy(p -> assertThat(idleAt).contains(p.userId() + "@" + p.timestamp()));
        List<LabeledExample> labelled = drain(examples);
        assertThat(labelled)
                .as("the dormant users' sessions; the clock's is censored; no idle snapshot")
                .hasSize(dormant)
                .allSatisfy(e -> assertThat(idleAt).doesNotContain(e.userId() + "@" + e.snapshotTime()));
        assertThat(drain(segments)).allSatisfy(a -> assertThat(idleAt).doesNotContain(a.userId() + "@" + a.asOf()));

        List<double[]> pairs =
                servedPairs(labelled, scored.stream().filter(p -> !p.idle()).toList());
        List<ValidationMetrics> published = drain(validation);
        if (pairs.isEmpty()) {
            assertThat(published).isEmpty();
            return;
        }
        ValidationMetrics last = published.get(published.size() - 1);
        assertThat(last.examples()).isEqualTo(pairs.size());
        io.mailflow.scoring.ProgressiveValidator expected = new io.mailflow.scoring.ProgressiveValidator(pairs.size());
        pairs.forEach(p -> expected.add(p[0], p[1]));
        assertThat(last.auc()).isEqualTo(expected.auc());
    }

    /** (served score, label) of every labelled snapshot, with the first score the scorer emitted for it. */
    private static List<double[]> servedPairs(List<LabeledExample> labelled, List<PropensityScore> scored) {
        java.util.Map<String, Double> first = new java.util.HashMap<>();
        java.util.Map<String, Long> lastTime = new java.util.HashMap<>();
        for (PropensityScore s : scored) {
            Long previous = lastTime.get(s.userId());
            if (previous == null || s.timestamp() > previous) {
                lastTime.put(s.userId(), s.timestamp());
                first.put(s.userId() + "@" + s.timestamp(), s.score());
            }
        }
        List<double[]> out = new ArrayList<>();
        for (LabeledExample e : labelled) {
            Double score = first.get(e.userId() + "@" + e.snapshotTime());
            if (score != null) {
                out.add(new double[] {score, e.label()});
            }
        }
        return out;
    }

    private static <T> WatermarkStrategy<T> everyElement(
            org.apache.flink.api.common.eventtime.SerializableTimestampAssigner<T> time) {
        return WatermarkStrategy.<T>forGenerator(
                        ctx -> new org.apache.flink.api.common.eventtime.WatermarkGenerator<>() {
                            @Override
                            public void onEvent(
                                    T element,
                                    long timestamp,
                                    org.apache.flink.api.common.eventtime.WatermarkOutput output) {
                                output.emitWatermark(
                                        new org.apache.flink.api.common.eventtime.Watermark(timestamp - 1));
                            }

                            @Override
                            public void onPeriodicEmit(org.apache.flink.api.common.eventtime.WatermarkOutput output) {}
                        })
                .withTimestampAssigner(time);
    }

    private static List<String> userIds() {
        return java.util.stream.IntStream.range(0, USERS)
                .mapToObj(u -> "user-" + u)
                .toList();
    }

    private static <T> List<T> drain(CloseableIterator<T> it) throws Exception {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        it.close();
        return out;
    }
}
