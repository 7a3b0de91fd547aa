package io.mailflow.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.mailflow.common.Uids;
import io.mailflow.features.FeatureExtractor;
import io.mailflow.features.FeatureFunction;
import io.mailflow.features.FeatureSignal;
import io.mailflow.features.IdleSchedule;
import io.mailflow.features.Sessions;
import io.mailflow.features.SnapshotKind;
import io.mailflow.features.UserFeatures;
import io.mailflow.model.Event;
import io.mailflow.model.SessionSummary;
import io.mailflow.scoring.LabeledExample;
import io.mailflow.scoring.PurchaseLabeller;
import io.mailflow.tools.ops.SavepointContents;
import io.mailflow.tools.ops.StateReaders.HistoryRow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.api.runtime.OperatorIDGenerator;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The committed savepoint of 0.1.0 (written before idle snapshots and {@link SnapshotKind}) restored into today's
 * operators: the labeller's pending snapshots, serialized without a kind, read as session snapshots (the record's
 * new field takes its default, normalised to {@link SnapshotKind#SESSION}) and are labelled; the feature operator's
 * restored users carry no idle timer until their next session, after which idle snapshots follow as configured.
 */
@SuppressWarnings("try") // the harnesses' close() declares InterruptedException
class IdleSnapshotUpgradeTest {
    private static final Path SAVEPOINT = Path.of("src/test/resources/savepoints/0.1.0");

    private static OperatorState state(CheckpointMetadata metadata, String uid) {
        return metadata.getOperatorStates().stream()
                .filter(s -> s.getOperatorID().equals(OperatorIDGenerator.fromUid(uid)))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theReleasesPendingSnapshotsReadAsSessionSnapshotsAndAreLabelled() throws Exception {
        CheckpointMetadata metadata =
                SavepointLoader.loadSavepointMetadata(SAVEPOINT.toAbsolutePath().toString());
        OperatorState labeller = state(metadata, Uids.PURCHASE_LABELLER);
        MapStateDescriptor<Long, UserFeatures> pending =
                new MapStateDescriptor<>("pending-snapshots", Types.LONG, Types.POJO(UserFeatures.class));
        List<UserFeatures> restored = new ArrayList<>();
        List<LabeledExample> examples = new ArrayList<>();
        for (int subtask = 0; subtask < labeller.getParallelism(); subtask++) {
            try (var h = new KeyedTwoInputStreamOperatorTestHarness<>(
                    new KeyedCoProcessOperator<>(new PurchaseLabeller(Duration.ofHours(1), true)),
                    UserFeatures::userId,
                    Event::userId,
                    Types.STRING,
                    labeller.getMaxParallelism(),
                    labeller.getParallelism(),
                    subtask)) {
                h.setup();
                h.initializeState(labeller.getState(subtask));
                h.open();
                KeyedStateBackend<String> backend =
                        ((AbstractStreamOperator<?>) h.getOperator()).getKeyedStateBackend();
                List<String> users = backend.getKeys(pending.getName(), VoidNamespace.INSTANCE)
                        .toList();
                for (String user : users) {
                    backend.setCurrentKey(user);
                    backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, pending)
                            .values()
                            .forEach(restored::add);
                }
                h.processBothWatermarks(new Watermark(Long.MAX_VALUE - 1));
                examples.addAll(h.extractOutputValues());
            }
        }
        assertThat(restored)
                .as("snapshots written before the kind existed")
                .isNotEmpty()
                .allSatisfy(f -> assertThat(f.kind()).isEqualTo(SnapshotKind.SESSION));
        assertThat(examples).as("each labelled as before").hasSameSizeAs(restored);
    }

    @Test
    void restoredUsersGetIdleSnapshotsOnlyAfterTheirNextSession() throws Exception {
        String dir = SAVEPOINT.toAbsolutePath().toString();
        List<HistoryRow> histories = SavepointContents.read(dir).histories();
        long end = histories.stream()
                .mapToLong(r -> r.history().lastSessionEnd())
                .max()
                .orElseThrow();
        String returning = histories.get(0).userId();
        OperatorState features = state(SavepointLoader.loadSavepointMetadata(dir), Uids.FEATURES);
        List<UserFeatures> out = new ArrayList<>();
        int timersAfterRestore = 0;
        SessionSummary session = Sessions.browse(returning, end + Sessions.DAY, 2);
        for (int subtask = 0; subtask < features.getParallelism(); subtask++) {
            FeatureFunction fn = new FeatureFunction(
                    new FeatureExtractor(Duration.ofDays(30), 20),
                    Duration.ofDays(90),
                    new IdleSchedule(Duration.ofDays(1), 2));
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
                timersAfterRestore += h.numEventTimeTimers();
                h.processBothWatermarks(new Watermark(end + Sessions.DAY - 1));
                if (KeyGroupRangeAssignment.assignKeyToParallelOperator(
                                returning, features.getMaxParallelism(), features.getParallelism())
                        == subtask) {
                    h.processElement1(session, session.end());
                }
                h.processBothWatermarks(new Watermark(session.end() + 10 * Sessions.DAY));
                out.addAll(h.extractOutputValues());
            }
        }
        assertThat(timersAfterRestore).as("the release set no idle timers").isZero();
        assertThat(out)
                .extracting(UserFeatures::userId, UserFeatures::asOf, UserFeatures::kind)
                .containsExactly(
                        tuple(returning, session.end(), SnapshotKind.SESSION),
                        tuple(returning, session.end() + Sessions.DAY, SnapshotKind.IDLE),
                        tuple(returning, session.end() + 2 * Sessions.DAY, SnapshotKind.IDLE));
    }
}
