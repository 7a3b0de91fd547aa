package io.mailflow.it;

import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.delivery.KafkaSendLedger;
import io.mailflow.delivery.SendLedger;
import io.mailflow.io.KafkaSecurity;
import io.mailflow.job.KafkaIO;
import io.mailflow.job.PipelineSettings;
import io.mailflow.tools.cli.CampaignCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.InstantiationUtil;

/**
 * Child-JVM entry of {@link SecuredKafkaITCase}: every Kafka client kind of Mailflow, configured only through
 * Mailflow's own {@code kafka.*} options, with the secrets in the {@code MAILFLOW_KAFKA_*} environment of this
 * process (as on a task manager):
 *
 * <ol>
 *   <li>the campaign CLI publishes the default campaigns to {@code CAMPAIGN_TOPIC};
 *   <li>a Flink job (local MiniCluster) reads them with the job's own source builder ({@link KafkaIO#rawSource},
 *       bounded) and writes one record per campaign with the job's own sink builder ({@link KafkaIO#jsonSink});
 *       its serialized job graph is written to {@code GRAPH_FILE} for the secret scan;
 *   <li>the send ledger records a send and a second ledger restores it from the topic.
 * </ol>
 *
 * <p>{@code SecuredKafkaRoundTrip GRAPH_FILE CAMPAIGN_TOPIC OUT_TOPIC LEDGER_TOPIC --kafka.bootstrap-servers ...
 * --kafka.security.protocol ...}; with {@code --cli-only} as GRAPH_FILE only step 1 runs. Exit 0 when all
 * worked, 1 otherwise.
 */
public final class SecuredKafkaRoundTrip {
    /** What the Flink job writes for each campaign record it read. */
    public record Copied(String campaignId, int bytes) {}

    private SecuredKafkaRoundTrip() {}

    public static void main(String[] args) throws Exception {
        String graphFile = args[0];
        String campaignTopic = args[1];
        String outTopic = args[2];
        String ledgerTopic = args[3];
        String[] mailflowArgs = Arrays.copyOfRange(args, 4, args.length);
        MailflowConfig config = MailflowConfig.fromArgs(mailflowArgs);
        String bootstrap = config.get(MailflowOptions.KAFKA_BOOTSTRAP);

        List<String> cli = new ArrayList<>(List.of(
                "publish",
                "classpath:campaigns/default-campaigns.yaml",
                "--bootstrap",
                bootstrap,
                "--topic",
                campaignTopic));
        for (int i = 0; i + 1 < mailflowArgs.length; i += 2) {
            if (mailflowArgs[i].startsWith("--kafka.") && !mailflowArgs[i].equals("--kafka.bootstrap-servers")) {
                cli.add(mailflowArgs[i]);
                cli.add(mailflowArgs[i + 1]);
            }
        }
        int rc = CampaignCli.run(cli.toArray(String[]::new), System.out, System.out);
        System.out.println("campaign cli exit " + rc);
        if (rc != 0 || graphFile.equals("--cli-only")) {
            System.exit(rc == 0 ? 0 : 1);
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromSource(
                        KafkaIO.rawSource(config, campaignTopic, "-secured"),
                        WatermarkStrategy.noWatermarks(),
                        "campaigns")
                .map(r -> new Copied(r.keyText(), r.value() == null ? 0 : r.value().length))
                .returns(Copied.class)
                .sinkTo(KafkaIO.jsonSink(config, outTopic, Copied::campaignId));
        JobGraph graph = env.getStreamGraph(false).getJobGraph();
        Files.write(Path.of(graphFile), InstantiationUtil.serializeObject(graph));
        env.execute("secured-kafka-round-trip");
        System.out.println("flink job finished");

        KafkaSecurity security = PipelineSettings.kafkaSecurity(config);
        // a fixed instant well inside the (long) retention: the ledger keeps what it restores
        long at = 1_780_000_000_000L;
        Duration retention = Duration.ofDays(36_500);
        try (KafkaSendLedger ledger = new KafkaSendLedger(
                bootstrap, ledgerTopic, retention, Duration.ofSeconds(30), security.clientProperties())) {
            ledger.recordSent("req-secured-1", "user-secured-1", "<m1@mailflow>", at);
        }
        try (KafkaSendLedger restored = new KafkaSendLedger(
                bootstrap, ledgerTopic, retention, Duration.ofSeconds(30), security.clientProperties())) {
            restored.restore(SendLedger.Shard.ALL);
            SendLedger.Claim claim = restored.claim("req-secured-1");
            System.out.println("ledger claim after restore " + claim);
            if (claim != SendLedger.Claim.ALREADY_SENT) {
                System.exit(1);
            }
        }
        System.out.println("ROUND TRIP OK");
        System.exit(0);
    }
}
