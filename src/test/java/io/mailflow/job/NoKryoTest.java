package io.mailflow.job;

import static org.apache.flink.types.PojoTestUtils.assertSerializedAsPojoWithoutKryo;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.config.MailflowConfig;
import io.mailflow.sessions.SessionAccumulator;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No Kryo anywhere: Flink 2 moved to Kryo 5, which cannot read Kryo state written by Flink 1.x, and
 * Kryo state cannot evolve. Records found automatically, so a new state or event type is checked
 * without anyone remembering to list it.
 */
class NoKryoTest {
    /** Records that never travel between operators or live in state: wiring, settings and local results. */
    private static final Set<String> NOT_FLINK_TYPES = Set.of(
            "io.mailflow.job.MailflowSinks",
            "io.mailflow.job.MailflowSources",
            "io.mailflow.models.ModelOutputs",
            "io.mailflow.feedback.FeedbackOutputs",
            "io.mailflow.job.MailflowTopology$Delivery",
            "io.mailflow.email.EmailComposer$Settings",
            "io.mailflow.email.SignedTokens$Claims",
            "io.mailflow.email.SignedTokens$Verification",
            "io.mailflow.delivery.RateLimits$Config",
            "io.mailflow.delivery.KafkaSendLedger$Entry",
            "io.mailflow.job.Topics$Spec",
            "io.mailflow.delivery.RetryPolicy",
            "io.mailflow.email.TemplateRenderer$Rendered",
            "io.mailflow.tools.importer.CsvImporter$Report",
            "io.mailflow.ingestion.EventValidator$Result",
            "io.mailflow.profiles.ProfileParser$Result");

    /**
     * A stage's settings record ({@code *Settings}, Java-serialized inside its functions, never a stream or
     * state type) or a stage's input/output bundle of streams ({@code *Stage$...}).
     */
    static boolean isWiringOrSettings(String name) {
        return name.endsWith("Settings") || name.matches(".*Stage\\$[A-Za-z]+");
    }

    /** Every record of the job (outside the demo, the tools and the tracking service, which never enter Flink) plus the mutable POJOs kept in state. */
    static Stream<Class<?>> stateAndEventTypes() throws IOException, URISyntaxException {
        List<Class<?>> types = new ArrayList<>();
        types.add(SessionAccumulator.class);
        Path root = Path.of(MailflowJob.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        try (Stream<Path> files = Files.walk(root.resolve("io/mailflow"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = root.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (name.startsWith("io.mailflow.tools.demo.")
                        || name.startsWith("io.mailflow.tools.ops.")
                        // the backtest's inputs and report: plain Java around a job, never a stream or state type
                        || name.startsWith("io.mailflow.tools.backtest.")
                        || name.startsWith("io.mailflow.testkit.")
                        || name.startsWith("io.mailflow.tracking.")
                        || NOT_FLINK_TYPES.contains(name)
                        || isWiringOrSettings(name)) {
                    continue;
                }
                Class<?> c = Class.forName(name, false, NoKryoTest.class.getClassLoader());
                if (c.isRecord()) {
                    types.add(c);
                }
            }
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
        return types.stream();
    }

    @ParameterizedTest
    @MethodSource("stateAndEventTypes")
    void serializedAsPojoWithoutKryo(Class<?> type) {
        assertSerializedAsPojoWithoutKryo(type);
    }

    @Test
    void theProductionGraphHasNoKryoSerializer() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        MailflowJob.define(
                env,
                MailflowConfig.builder()
                        .set(io.mailflow.config.MailflowOptions.DP_ENABLED, true)
                        .set(io.mailflow.config.MailflowOptions.TOPIC_CATALOG, "mailflow.catalog")
                        .build());
        // With generic types disabled, building the graph already fails on a type Flink would hand to Kryo.
        StreamGraph graph = env.getStreamGraph(false);
        List<String> kryo = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            List<TypeSerializer<?>> serializers = new ArrayList<>(List.of(node.getTypeSerializersIn()));
            serializers.add(node.getTypeSerializerOut());
            serializers.add(node.getStateKeySerializer());
            for (TypeSerializer<?> s : serializers) {
                if (s instanceof KryoSerializer) {
                    kryo.add(node.getOperatorName() + ": " + s);
                }
            }
        }
        assertThat(graph.getStreamNodes()).hasSizeGreaterThan(20);
        assertThat(kryo).isEmpty();
    }
}
