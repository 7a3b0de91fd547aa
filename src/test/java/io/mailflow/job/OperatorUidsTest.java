package io.mailflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.common.Uids;
import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.transformations.PartitionTransformation;
import org.apache.flink.streaming.api.transformations.SideOutputTransformation;
import org.apache.flink.streaming.api.transformations.UnionTransformation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Savepoints map state to operators by uid. The production topology (Kafka sources and sinks, as
 * {@code flink run} builds it) must give every operator a uid from {@link Uids}:
 * an auto-generated id changes whenever the graph changes, and the state behind it is then lost.
 */
class OperatorUidsTest {
    private StreamExecutionEnvironment env;
    private MailflowConfig config;

    @BeforeEach
    void buildProductionTopology() {
        env = StreamExecutionEnvironment.getExecutionEnvironment();
        // every optional operator in the graph, so that each has its uid checked
        config = MailflowConfig.builder()
                .set(MailflowOptions.DP_ENABLED, true)
                .set(MailflowOptions.TOPIC_CATALOG, "mailflow.catalog")
                .set(MailflowOptions.TOPIC_VARIANT_STATS, "mailflow.variant-stats")
                .set(MailflowOptions.TOPIC_UPLIFT_MODELS, "mailflow.uplift-models")
                .build();
        MailflowJob.define(env, config);
    }

    /** Partitioning, side outputs and unions are edges, not operators: they hold no state and need no uid. */
    private static boolean isOperator(Transformation<?> t) {
        return !(t instanceof PartitionTransformation
                || t instanceof SideOutputTransformation
                || t instanceof UnionTransformation);
    }

    @Test
    void everyOperatorSourceAndSinkHasAUidFromTheConstantsClasses() {
        Set<String> declared = new HashSet<>(declaredUids().values());
        List<String> missing = new ArrayList<>();
        List<String> used = new ArrayList<>();
        for (Transformation<?> t : allTransformations()) {
            if (!isOperator(t)) {
                continue;
            }
            if (t.getUid() == null || !declared.contains(t.getUid())) {
                missing.add(t.getClass().getSimpleName() + " '" + t.getName() + "' uid=" + t.getUid());
            } else {
                used.add(t.getUid());
            }
        }
        assertThat(missing).as("operators without a uid from Uids").isEmpty();
        assertThat(used).as("a uid given to two operators").doesNotHaveDuplicates();
        assertThat(new HashSet<>(used))
                .as("declared uids no operator uses")
                .containsExactlyInAnyOrderElementsOf(declared);
    }

    @Test
    void everyNodeOfTheStreamGraphHasAStableId() {
        // Sinks expand into writer (and committer) nodes whose uids Flink derives from the sink's uid.
        StreamGraph graph = env.getStreamGraph(false);
        List<String> unnamed = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            if (node.getTransformationUID() == null) {
                unnamed.add(node.getOperatorName());
            }
        }
        assertThat(unnamed).isEmpty();
    }

    @Test
    void maxParallelismIsSetExplicitly() {
        assertThat(env.getMaxParallelism()).isEqualTo(config.get(MailflowOptions.MAX_PARALLELISM));
    }

    @Test
    void uidConstantsAreUnique() {
        Map<String, String> uids = declaredUids();
        assertThat(new HashSet<>(uids.values())).hasSameSizeAs(uids.values());
    }

    @Test
    void noOperatorTakesTheIdOfARetiredOne() {
        Set<String> retired = new HashSet<>(constants(Uids.Retired.class).values());
        assertThat(retired).isNotEmpty();
        assertThat(declaredUids().values()).as("live uids").doesNotContainAnyElementsOf(retired);
        assertThat(allTransformations().stream().map(Transformation::getUid))
                .as("operators of the job")
                .doesNotContainAnyElementsOf(retired);
    }

    private List<Transformation<?>> allTransformations() {
        Set<Transformation<?>> seen = new java.util.LinkedHashSet<>();
        for (Transformation<?> sink : env.getTransformations()) {
            seen.addAll(sink.getTransitivePredecessors());
        }
        return new ArrayList<>(seen);
    }

    /** Every public String constant of {@link Uids}, by field name. */
    static Map<String, String> declaredUids() {
        return constants(Uids.class);
    }

    private static Map<String, String> constants(Class<?>... holders) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Class<?> holder : holders) {
            for (Field f : holder.getDeclaredFields()) {
                int m = f.getModifiers();
                if (Modifier.isStatic(m) && Modifier.isPublic(m) && f.getType() == String.class) {
                    try {
                        out.put(holder.getSimpleName() + "." + f.getName(), (String) f.get(null));
                    } catch (IllegalAccessException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        }
        return out;
    }
}
