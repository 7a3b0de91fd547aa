package io.mailflow.job;

import io.mailflow.config.MailflowConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.InstantiationUtil;

/**
 * Child-JVM entry of {@link NoSecretInJobGraphTest}: does what {@code flink run} does on the client with the
 * environment it was started with (the submission checks, then the production topology), and writes the
 * serialized job graph, as it would travel to the JobManager, to {@code args[0]}. With {@code --leak} it
 * passes the SMTP password the way only tests and the demo may (programmatically), the control that
 * shows the scan finds a secret that is there.
 */
public final class JobGraphDump {
    private JobGraphDump() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        boolean leak = args[1].equals("--leak");
        MailflowConfig config = MailflowConfig.fromArgs(Arrays.copyOfRange(args, 2, args.length));
        MailflowJob.requireLinkSecret(config);
        MailflowJob.requirePseudonymKey(config);
        PipelineSettings.kafkaSecurity(config).requireEnvironment(System::getenv);
        if (leak) {
            config = config.toBuilder()
                    .smtpPassword(System.getenv("MAILFLOW_SMTP_PASSWORD"))
                    .build();
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MailflowJob.define(env, config);
        JobGraph graph = env.getStreamGraph().getJobGraph();
        Files.write(out, InstantiationUtil.serializeObject(graph));
        System.out.println("configuration: " + config + " / " + env.getConfiguration());
    }
}
