package io.mailflow.tools.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.common.Uids;
import io.mailflow.ingestion.DeduplicateFunction;
import io.mailflow.model.UserProfile;
import io.mailflow.profiles.ProfileJoinFunction;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SavepointContents#read} reads several keyed states in one job through several collect iterators; it must
 * return every user of each, also when there are far more rows than one collect batch holds (a savepoint of a
 * real shop), not only the handful of the committed test savepoint.
 */
class SavepointContentsScaleTest {
    private static final int USERS = 30_000;

    static final class Profiles extends KeyedStateBootstrapFunction<String, String> {
        private transient ValueState<UserProfile> profile;

        @Override
        public void open(OpenContext ctx) {
            profile = getRuntimeContext().getState(ProfileJoinFunction.profileDescriptor());
        }

        @Override
        public void processElement(String user, Context ctx) throws Exception {
            profile.update(new UserProfile(user, user + "@example.com", "Name " + user, "en", "UTC", true, 1L));
        }
    }

    static final class SeenIds extends KeyedStateBootstrapFunction<String, String> {
        private transient MapState<String, Long> seen;

        @Override
        public void open(OpenContext ctx) {
            seen = getRuntimeContext().getMapState(DeduplicateFunction.seenIdsDescriptor());
        }

        @Override
        public void processElement(String user, Context ctx) throws Exception {
            seen.put("e-" + user, 1L);
            seen.put("f-" + user, 2L);
        }
    }

    @Test
    void everyUserOfEveryKeyedStateIsRead(@TempDir Path dir) throws Exception {
        List<String> users =
                IntStream.range(0, USERS).mapToObj(i -> "user-" + i).toList();
        StreamExecutionEnvironment env = StateTool.writerEnvironment();
        String path = dir.resolve("savepoint").toUri().toString();
        SavepointWriter.newSavepoint(env, 128)
                .withOperator(
                        OperatorIdentifier.forUid(Uids.PROFILE_JOIN),
                        OperatorTransformation.bootstrapWith(env.fromData(users))
                                .keyBy(u -> u, Types.STRING)
                                .transform(new Profiles()))
                .withOperator(
                        OperatorIdentifier.forUid(Uids.DEDUPLICATE),
                        OperatorTransformation.bootstrapWith(env.fromData(users))
                                .keyBy(u -> u, Types.STRING)
                                .transform(new SeenIds()))
                .write(path);
        env.execute("write a savepoint of " + USERS + " users");

        SavepointContents contents = SavepointContents.read(path);

        Set<String> profiles = new HashSet<>();
        contents.profiles().forEach(p -> profiles.add(p.userId()));
        assertThat(profiles).as("every profile").hasSize(USERS);
        assertThat(contents.seenIds()).as("every user's seen ids").hasSize(USERS);
        assertThat(contents.seenIds()).allSatisfy(s -> assertThat(s.count()).isEqualTo(2));
    }
}
