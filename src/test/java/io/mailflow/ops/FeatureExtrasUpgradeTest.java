package io.mailflow.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.common.Uids;
import io.mailflow.config.MailflowConfig;
import io.mailflow.features.FeatureExtractor;
import io.mailflow.features.FeatureFunction;
import io.mailflow.features.FeatureSignal;
import io.mailflow.features.FeatureVector;
import io.mailflow.features.ModelExtras;
import io.mailflow.features.Sessions;
import io.mailflow.features.UserFeatures;
import io.mailflow.job.PipelineSettings;
import io.mailflow.model.SessionSummary;
import io.mailflow.models.ModelSettings;
import io.mailflow.scoring.Ftrl;
import io.mailflow.scoring.FtrlTrainer;
import io.mailflow.scoring.LabeledExample;
import io.mailflow.scoring.LogRegModel;
import io.mailflow.scoring.PropensityScore;
import io.mailflow.scoring.PropensityScorer;
import io.mailflow.scoring.ScoringSettings;
import io.mailflow.tools.ops.SavepointContents;
import io.mailflow.tools.ops.StateReaders.HistoryRow;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.state.api.runtime.OperatorIDGenerator;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The committed savepoint of 0.1.0 (written before the propensity model's extra inputs, issue 15) restored into
 * today's operators: feature histories without e-mail signals take signals and give snapshots with extras, the
 * trainer keeps its state and versions and learns the extended layout, and the scorer keeps serving its restored
 * model to snapshots with extras.
 */
@SuppressWarnings("try") // the harnesses' close() declares InterruptedException
class FeatureExtrasUpgradeTest {
    private static final Path SAVEPOINT = Path.of("src/test/resources/savepoints/0.1.0");
    private static final ModelSettings MODELS = PipelineSettings.models(MailflowConfig.builder()
            .set(io.mailflow.config.MailflowOptions.FTRL_EXTRAS, true)
            .build());

    private static OperatorState state(CheckpointMetadata metadata, String uid) {
        return metadata.getOperatorStates().stream()
                .filter(s -> s.getOperatorID().equals(OperatorIDGenerator.fromUid(uid)))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theReleasesStateTakesSignalsLearnsAndScoresTheExtendedLayout() throws Exception {
        String dir = SAVEPOINT.toAbsolutePath().toString();
        SavepointContents contents = SavepointContents.read(dir);
        List<String> users =
                contents.histories().stream().map(HistoryRow::userId).toList();
        assertThat(users).isNotEmpty();
        assertThat(contents.histories())
                .allSatisfy(h -> assertThat(h.history().signals())
                        .as("written before the signals existed")
                        .isNull());
        long later = contents.histories().stream()
                        .mapToLong(h -> h.history().lastSessionEnd())
                        .max()
                        .orElseThrow()
                + 10 * Sessions.DAY;
        CheckpointMetadata metadata = SavepointLoader.loadSavepointMetadata(dir);

        // features: every restored user opens an e-mail, then visits again ten days after the savepoint's end
        OperatorState features = state(metadata, Uids.FEATURES);
        List<UserFeatures> snapshots = new ArrayList<>();
        for (int subtask = 0; subtask < features.getParallelism(); subtask++) {
            FeatureFunction fn = new FeatureFunction(
                    new FeatureExtractor(
                            MODELS.features().decayHalfLife(), MODELS.features().maxCategories()),
                    MODELS.features().ttl());
            try (var h = new KeyedTwoInputStreamOperatorTestHarness<>(
                    new KeyedCoProcessOperator<>(fn),
                    SessionSummary::userId,
                    FeatureSignal::userId,
                    Types.STRING,
                    features.getMaxParallelism(),
                    features.getParallelism(),
                    subtask)) {
                h.setup();
                h.initializeState(features.getState(subtask));
                h.open();
                for (String user : users) {
                    if (KeyGroupRangeAssignment.assignKeyToParallelOperator(
                                    user, features.getMaxParallelism(), features.getParallelism())
                            == subtask) {
                        h.processElement2(
                                new FeatureSignal(user, FeatureSignal.Kind.EMAIL_OPENED, later - Sessions.HOUR), later);
                        h.processElement1(Sessions.browse(user, later, 2), later);
                    }
                }
                snapshots.addAll(h.extractOutputValues());
            }
        }
        int recency = ModelExtras.NUMERIC_NAMES.indexOf("hours_since_visit");
        int opens = ModelExtras.NUMERIC_NAMES.indexOf("email_opens");
        assertThat(snapshots).hasSize(users.size()).allSatisfy(f -> {
            assertThat(FeatureVector.valid(f.vector())).isTrue();
            double[] x = f.extras().numeric(f.asOf());
            assertThat(x[opens]).isPositive();
            assertThat(x[recency])
                    .as("from the visit restored from the savepoint")
                    .isGreaterThan(10 * 24 - 24);
        });

        // trainer: the linear state and versions of 0.1.0 continue, and the binned learner takes the extended layout
        OperatorState trainerState = state(metadata, Uids.FTRL_TRAINER);
        ScoringSettings scoring = MODELS.scoring();
        FtrlTrainer trainer = new FtrlTrainer(
                new Ftrl(scoring.alpha(), scoring.beta(), scoring.l1(), scoring.l2()),
                FeatureVector.SIZE,
                snapshots.size(),
                scoring.binned());
        List<LogRegModel> models;
        try (var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(trainer), 128, 1, 0)) {
            h.setup();
            h.initializeState(trainerState.getState(0));
            h.open();
            for (UserFeatures f : snapshots) {
                h.processElement(
                        new LabeledExample(
                                f.userId(),
                                f.asOf(),
                                f.standardized(),
                                1.0,
                                1.0,
                                f.asOf() + 1,
                                f.vector(),
                                f.extras().numeric(f.asOf()),
                                f.extras().categorical()),
                        f.asOf() + 1);
            }
            models = h.extractOutputValues();
        }
        assertThat(models)
                .singleElement()
                .satisfies(m -> assertThat(m.version())
                        .as("the release's versions continue")
                        .isGreaterThan(contents.ftrl().version()));

        // scorer: its restored (linear) model scores snapshots with extras, stamped with the restored version
        OperatorState scorerState = state(metadata, Uids.PROPENSITY_SCORER);
        List<PropensityScore> scores = new ArrayList<>();
        for (int subtask = 0; subtask < scorerState.getParallelism(); subtask++) {
            try (var h = new KeyedBroadcastOperatorTestHarness<>(
                    new CoBroadcastWithKeyedOperator<>(new PropensityScorer(), List.of(PropensityScorer.MODEL)),
                    UserFeatures::userId,
                    Types.STRING,
                    scorerState.getMaxParallelism(),
                    scorerState.getParallelism(),
                    subtask)) {
                h.setup();
                h.initializeState(scorerState.getState(subtask));
                h.open();
                for (UserFeatures f : snapshots) {
                    if (KeyGroupRangeAssignment.assignKeyToParallelOperator(
                                    f.userId(), scorerState.getMaxParallelism(), scorerState.getParallelism())
                            == subtask) {
                        h.processElement(f, f.asOf());
                    }
                }
                scores.addAll(h.extractOutputValues());
            }
        }
        assertThat(scores).hasSize(snapshots.size()).allSatisfy(s -> {
            assertThat(s.modelVersion()).isEqualTo(contents.propensityServing().version());
            assertThat(s.score()).isBetween(0.0, 1.0);
        });
    }
}
