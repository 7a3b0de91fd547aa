package io.mailflow.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.campaigns.TriggerType;
import io.mailflow.common.Uids;
import io.mailflow.config.MailflowConfig;
import io.mailflow.features.SnapshotKind;
import io.mailflow.features.UserFeatures;
import io.mailflow.io.Json;
import io.mailflow.job.MailflowJob;
import io.mailflow.model.Event;
import io.mailflow.model.UserProfile;
import io.mailflow.scoring.LabeledExample;
import io.mailflow.scoring.PurchaseLabeller;
import io.mailflow.tools.ops.SavepointContents;
import io.mailflow.tools.ops.StateReaders.GuardrailRow;
import io.mailflow.tools.ops.StateReaders.PendingTriggerRow;
import io.mailflow.tools.ops.StateReaders.SeenIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.OperatorIDPair;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.api.runtime.OperatorIDGenerator;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every savepoint committed under {@code src/test/resources/savepoints/<version>/} (written by
 * {@link SavepointGeneratorTest} after the first phase of {@link ClusterScenario}) must still restore
 * with the current code:
 *
 * <ul>
 *   <li>every operator state in it maps to an operator of today's production job, so {@code flink run -s}
 *       needs no {@code --allowNonRestoredState};
 *   <li>today's state descriptors and types read it (a renamed state or an incompatible type change
 *       fails here), and it holds what the release left: profiles and suppressions of the profile join,
 *       de-duplication ids with their sweep timers, the pending campaign triggers with their event-time
 *       timers and the campaign in the trigger engine's broadcast state, the guardrails' send logs and a
 *       deferred send with its timer, feature histories, the k-means model and the FTRL accumulators, and
 *       the models in the scorers' broadcast state.
 * </ul>
 *
 * The send ledger is not among them: it lives in the compacted Kafka topic {@code topic.send-ledger},
 * not in Flink state (see docs/operations.md).
 */
class SavepointCompatibilityITCase {
    private static final Path SAVEPOINTS = Path.of("src/test/resources/savepoints");

    static Stream<String> versions() throws Exception {
        try (Stream<Path> dirs = Files.list(SAVEPOINTS)) {
            List<String> out = dirs.filter(
                            d -> Files.exists(d.resolve("_metadata")) && Files.exists(d.resolve("expected.json")))
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .toList();
            assertThat(out).as("committed savepoints").isNotEmpty();
            return out.stream();
        }
    }

    @ParameterizedTest(name = "savepoint of {0}")
    @MethodSource("versions")
    void everyOperatorStateMapsToAnOperatorOfTheCurrentJob(String version) throws Exception {
        CheckpointMetadata metadata = SavepointLoader.loadSavepointMetadata(
                SAVEPOINTS.resolve(version).toAbsolutePath().toString());
        assertEveryOperatorStateMaps(version, metadata, MailflowConfig.defaults());
        // the same savepoint restores into a job switched to the global bandit and to uplift learning (new operators
        // start empty)
        assertEveryOperatorStateMaps(
                version,
                metadata,
                MailflowConfig.builder()
                        .set(io.mailflow.config.MailflowOptions.TOPIC_VARIANT_STATS, "mailflow.variant-stats")
                        .set(io.mailflow.config.MailflowOptions.TOPIC_UPLIFT_MODELS, "mailflow.uplift-models")
                        .build());
    }

    private static void assertEveryOperatorStateMaps(String version, CheckpointMetadata metadata, MailflowConfig config)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MailflowJob.define(env, config);
        Set<OperatorID> current = new HashSet<>();
        for (JobVertex v : env.getStreamGraph().getJobGraph().getVertices()) {
            for (OperatorIDPair ids : v.getOperatorIDs()) {
                current.add(ids.getGeneratedOperatorID());
                ids.getUserDefinedOperatorID().ifPresent(current::add);
            }
        }
        List<OperatorID> unmapped = metadata.getOperatorStates().stream()
                .filter(s -> s.getStateSize() > 0 || s.getCoordinatorState() != null)
                .map(OperatorState::getOperatorID)
                .filter(id -> !current.contains(id))
                .toList();
        assertThat(unmapped)
                .as("state in the savepoint of " + version + " that no operator of the current job would take")
                .isEmpty();
        assertThat(metadata.getOperatorStates().stream()
                        .filter(s -> s.getStateSize() > 0)
                        .count())
                .isGreaterThan(10);
    }

    @ParameterizedTest(name = "savepoint of {0}")
    @MethodSource("versions")
    void currentCodeReadsTheStateTheReleaseLeft(String version) throws Exception {
        Path dir = SAVEPOINTS.resolve(version);
        JsonNode expected = Json.mapper().readTree(dir.resolve("expected.json").toFile());
        long t0 = expected.get("t0").asLong();
        SavepointContents c = SavepointContents.read(dir.toAbsolutePath().toString());

        // profile join: profiles, and s1's suppression (s1 unsubscribed; its request was refused, none waits)
        assertThat(c.profiles()).hasSize(expected.get("profiles").asInt());
        assertThat(c.profiles())
                .extracting(UserProfile::email)
                .contains("a1@example.com", "b5@example.com", "q1@example.com");
        assertThat(c.suppressions())
                .hasSize(expected.get("suppressions").asInt())
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.userId()).isEqualTo("s1");
                    assertThat(s.reason()).isEqualTo("UNSUBSCRIBED");
                    assertThat(s.at()).isEqualTo(t0);
                });
        assertThat(c.contacts())
                .allSatisfy(r -> assertThat(r.waitingTimersRegistered()).isTrue());

        // de-duplication ids: one per event each user sent, each user's sweep with its event-time timer
        Map<String, Integer> seen = c.seenIds().stream().collect(Collectors.toMap(SeenIds::userId, SeenIds::count));
        assertThat(seen)
                .hasSize(expected.get("usersWithSeenIds").asInt())
                .containsEntry("a1", 1)
                .containsEntry("c1", 1)
                .containsEntry("q1", 1)
                .containsEntry("s1", 1);
        assertThat(c.seenIds()).allSatisfy(s -> {
            assertThat(s.sweepAt()).as(s.userId() + "'s sweep").isNotNull();
            assertThat(s.sweepTimerRegistered())
                    .as(s.userId() + "'s sweep timer")
                    .isTrue();
        });

        // campaign triggers: b1..b5 and c1 wait for the abandoned-cart delay, each with its event-time timer
        assertThat(c.pendingTriggers())
                .hasSize(expected.get("pendingTriggers").asInt())
                .allSatisfy(p -> assertThat(p.timerRegistered())
                        .as(p.userId() + " has its timer")
                        .isTrue())
                .allSatisfy(p -> assertThat(p.dueAt()).isEqualTo(p.pending().anchor() + 3_600_000L))
                .allSatisfy(p -> assertThat(p.pending().campaignId()).isEqualTo("abandoned-cart"))
                .allSatisfy(p -> assertThat(p.pending().trigger()).isEqualTo("ABANDONED_CART"));
        assertThat(c.pendingTriggers())
                .extracting(PendingTriggerRow::userId)
                .containsExactlyInAnyOrder("b1", "b2", "b3", "b4", "b5", "c1");
        PendingTriggerRow b1 = c.pendingTriggers().stream()
                .filter(p -> p.userId().equals("b1"))
                .findFirst()
                .orElseThrow();
        assertThat(b1.dueAt()).isEqualTo(t0 + 3 * 3_600_000L + 60_000L);
        assertThat(b1.pending().items())
                .singleElement()
                .satisfies(i -> assertThat(i.itemId()).isEqualTo("sku-b1"));
        // the campaign published on the control topic, in the trigger engine's broadcast state
        assertThat(c.campaigns()).hasSize(expected.get("campaigns").asInt());
        if (!c.campaigns().isEmpty()) {
            assertThat(c.campaigns()).singleElement().satisfies(d -> {
                assertThat(d.id()).isEqualTo("abandoned-cart");
                assertThat(d.trigger().type()).isEqualTo(TriggerType.ABANDONED_CART);
            });
        }

        // guardrails: a1..a5 released (send log), q1's e-mail deferred by its quiet hours to 08:00 local (t0 + 10 h)
        Map<String, GuardrailRow> guardrails =
                c.guardrails().stream().collect(Collectors.toMap(GuardrailRow::userId, g -> g));
        assertThat(guardrails.values().stream().filter(g -> !g.sent().isEmpty()).count())
                .isEqualTo(expected.get("guardrailSendLogs").asLong());
        for (int i = 1; i <= 5; i++) {
            assertThat(guardrails.get("a" + i).sent())
                    .singleElement()
                    .satisfies(e -> assertThat(e.campaignId()).isEqualTo("abandoned-cart"));
        }
        assertThat(c.guardrails().stream().mapToLong(g -> g.deferred().size()).sum())
                .isEqualTo(expected.get("deferredSends").asLong());
        assertThat(guardrails.get("q1").deferred()).singleElement().satisfies(d -> {
            assertThat(d.timerRegistered())
                    .as("q1's deferred send has its timer")
                    .isTrue();
            assertThat(d.until()).isEqualTo(t0 + 10 * 3_600_000L);
            assertThat(d.deferred().request().recipient().email()).isEqualTo("q1@example.com");
            assertThat(d.deferred().request().request().campaignId()).isEqualTo("abandoned-cart");
        });

        // features: every user whose session closed
        assertThat(c.histories())
                .hasSize(expected.get("histories").asInt())
                .allSatisfy(h -> assertThat(h.history().totalSessions()).isEqualTo(1));
        int featureSize = expected.get("featureSize").asInt();
        assertThat(c.standardizers())
                .isNotEmpty()
                .allSatisfy(s -> assertThat(s.mean()).hasSize(featureSize));

        // models: trainers and the scorers' broadcast state
        assertThat(c.kmeansTrainer().version())
                .isEqualTo(expected.get("kmeansVersion").asLong());
        assertThat(c.kmeansTrainer().k()).isEqualTo(2);
        assertThat(List.of(c.kmeansTrainer().centroids()))
                .allSatisfy(centroid -> assertThat(centroid).hasSize(featureSize));
        assertThat(c.kmeansServing().version())
                .isEqualTo(expected.get("kmeansServingVersion").asLong());
        assertThat(c.ftrl().version()).isEqualTo(expected.get("ftrlVersion").asLong());
        assertThat(c.ftrl().examples()).isEqualTo(expected.get("ftrlExamples").asLong());
        assertThat(c.ftrl().features()).isEqualTo(featureSize);
        assertThat(c.propensityServing().version())
                .isEqualTo(expected.get("propensityServingVersion").asLong());
        assertThat(c.propensityServing().coefficients()).hasSize(featureSize);
    }

    /**
     * The labeller's pending snapshots were written before {@link SnapshotKind} existed (issue 15's idle snapshots):
     * they read as session snapshots, the record's new field defaulting to {@link SnapshotKind#SESSION}, and are
     * labelled as before (an idle one would be dropped).
     */
    @ParameterizedTest(name = "savepoint of {0}")
    @MethodSource("versions")
    void theLabellersPendingSnapshotsReadAsSessionSnapshotsAndAreLabelled(String version) throws Exception {
        CheckpointMetadata metadata = SavepointLoader.loadSavepointMetadata(
                SAVEPOINTS.resolve(version).toAbsolutePath().toString());
        OperatorState labeller = metadata.getOperatorStates().stream()
                .filter(s -> s.getOperatorID().equals(OperatorIDGenerator.fromUid(Uids.PURCHASE_LABELLER)))
                .findFirst()
                .orElseThrow();
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
}
