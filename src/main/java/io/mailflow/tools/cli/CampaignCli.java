package io.mailflow.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.CampaignDocuments;
import io.mailflow.campaigns.CampaignParser;
import io.mailflow.campaigns.InvalidCampaignException;
import io.mailflow.campaigns.TemplateCatalog;
import io.mailflow.io.Json;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Validates campaign files and publishes them to the control topic, one record per campaign keyed by
 * its id (the topic is compacted: the latest definition of each campaign wins).
 *
 * <pre>
 * java -cp mailflow-tools.jar io.mailflow.tools.cli.CampaignCli validate campaigns.yaml [--template-dir DIR]
 * java -cp mailflow-tools.jar io.mailflow.tools.cli.CampaignCli publish campaigns.yaml --bootstrap host:9092 --topic mailflow.campaigns
 * </pre>
 *
 * Nothing is published unless every campaign in the file is valid. Exit status: 0 valid/published,
 * 1 invalid, 2 usage error.
 */
public final class CampaignCli {
    private CampaignCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 2 || !(args[0].equals("validate") || args[0].equals("publish"))) {
            err.println("usage: CampaignCli validate FILE [--template-dir DIR]");
            err.println("       CampaignCli publish FILE --bootstrap HOST:PORT --topic TOPIC [--template-dir DIR]");
            err.println("           [--kafka.security.protocol P --kafka.sasl.mechanism M"
                    + " --kafka.ssl.truststore-location FILE ...] (secrets from MAILFLOW_KAFKA_* variables)");
            return 2;
        }
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 2; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        List<JsonNode> docs;
        try {
            docs = CampaignDocuments.load(args[1]);
        } catch (Exception e) {
            err.println("cannot read " + args[1] + ": " + e.getMessage());
            return 1;
        }
        CampaignParser parser = new CampaignParser(new TemplateCatalog(opts.getOrDefault("template-dir", "")));
        List<CampaignDefinition> valid = new ArrayList<>();
        int invalid = 0;
        for (JsonNode doc : docs) {
            try {
                CampaignDefinition c = parser.parse(doc);
                valid.add(c);
                out.printf(
                        "OK       %s v%d %s (%s)%n",
                        c.id(), c.version(), c.trigger().type().wireName(), c.status());
            } catch (InvalidCampaignException e) {
                invalid++;
                out.printf("INVALID  %s%n", e.getCampaignIdAndReasons());
            }
        }
        if (invalid > 0) {
            err.println(invalid + " of " + docs.size() + " campaigns are invalid; nothing published");
            return 1;
        }
        if (args[0].equals("validate")) {
            return 0;
        }
        String bootstrap = opts.get("bootstrap");
        String topic = opts.get("topic");
        if (bootstrap == null || topic == null) {
            err.println("publish needs --bootstrap HOST:PORT and --topic TOPIC");
            return 2;
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try {
            KafkaClientOptions.apply(opts, p);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < docs.size(); i++) {
                producer.send(new ProducerRecord<>(
                                topic, valid.get(i).id().getBytes(StandardCharsets.UTF_8), Json.toBytes(docs.get(i))))
                        .get();
            }
        } catch (Exception e) {
            err.println("publishing failed: " + e.getMessage());
            return 1;
        }
        out.printf("published %d campaigns to %s%n", docs.size(), topic);
        return 0;
    }
}
