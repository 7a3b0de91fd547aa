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
import io.mailflow.model.SessionSummary;
import io.mailflow.tools.ops.SavepointContents;
import io.mailflow.tools.ops.StateReaders.HistoryRow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.state.api.runtime.OperatorIDGenerator;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The committed savepoint of 0.1.0 (written before idle snapshots) restored into today's feature operator with idle
 * snapshots on: restored users carry no idle timer until their next session, after which idle snapshots follow as
 * configured. (That its pending snapshots, written without a {@link SnapshotKind}, read as session snapshots is
 * checked for every committed savepoint in {@link SavepointCompatibilityITCase}.)
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
