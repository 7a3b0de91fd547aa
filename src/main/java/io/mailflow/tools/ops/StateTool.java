package io.mailflow.tools.ops;

import io.mailflow.config.MailflowConfig;
import io.mailflow.io.Json;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Savepoint tools on the State Processor API.
 *
 * <pre>
 * StateTool bootstrap --model model.json --savepoint DIR [--config job.yaml]
 *     writes a savepoint that starts the job with an offline model (see {@link OfflineModel})
 * StateTool inspect --savepoint DIR [--format csv|json] [--out FILE]
 *     exports per-user segments and state statistics of a savepoint or retained checkpoint
 * </pre>
 *
 * Runs locally ({@code mvn -q exec:exec@state-tool -Dtool.args="inspect --savepoint ..."}) or on a
 * cluster ({@code flink run -c io.mailflow.tools.ops.StateTool mailflow-tools.jar inspect ...}); see docs/operations.md.
 */
public final class StateTool {
    private StateTool() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !(args[0].equals("bootstrap") || args[0].equals("inspect"))) {
            System.err.println("usage: StateTool bootstrap --model FILE --savepoint DIR [--config job.yaml]");
            System.err.println("       StateTool inspect --savepoint DIR [--format csv|json] [--out FILE]");
            System.exit(2);
        }
        Map<String, String> o = options(args);
        String savepoint = required(o, "savepoint");
        if (args[0].equals("bootstrap")) {
            MailflowConfig config = o.containsKey("config")
                    ? MailflowConfig.fromArgs(new String[] {"--config", o.get("config")})
                    : MailflowConfig.defaults();
            ModelBootstrap.write(OfflineModel.read(Path.of(required(o, "model"))), config, uri(savepoint));
            System.err.println("bootstrap savepoint written to " + savepoint + "; start the job with: flink run -s "
                    + savepoint + " ...");
        } else {
            SavepointReport report = SavepointReport.of(SavepointContents.read(savepoint));
            String format = o.getOrDefault("format", "csv");
            String text = switch (format) {
                case "csv" -> report.csv();
                case "json" -> Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n";
                default -> throw new IllegalArgumentException("--format must be csv or json, got " + format);
            };
            if (o.containsKey("out")) {
                Files.writeString(Path.of(o.get("out")), text, StandardCharsets.UTF_8);
            } else {
                new PrintStream(System.out, true, StandardCharsets.UTF_8).print(text);
            }
            System.err.println("state statistics: " + Json.toText(report.stats()));
        }
    }

    /**
     * An environment for the State Processor API's savepoint writer, which passes its internal results
     * (state handles) between operators as generic types. With Flink 2.2's Kryo they break twice: a Kryo
     * copy between chained operators drops an OperatorState's subtask states (the savepoint comes out
     * empty), and Kryo cannot instantiate some state-handle classes when they cross the network. Object
     * reuse avoids the copies, and the handles, which are Serializable, go through Java serialization.
     */
    public static StreamExecutionEnvironment writerEnvironment() {
        Configuration conf = new Configuration();
        String java = ": {type: kryo, kryo-type: default, class: com.esotericsoftware.kryo.serializers.JavaSerializer}";
        conf.set(
                PipelineOptions.SERIALIZATION_CONFIG,
                List.of(
                        "org.apache.flink.runtime.checkpoint.OperatorState" + java,
                        "org.apache.flink.runtime.checkpoint.OperatorSubtaskState" + java));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.getConfig().enableObjectReuse();
        env.setParallelism(1);
        return env;
    }

    private static String uri(String path) {
        return path.contains("://")
                ? path
                : Path.of(path).toAbsolutePath().toUri().toString();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }

    private static String required(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return v;
    }
}
