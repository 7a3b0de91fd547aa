package io.mailflow.tools.cli;

import io.mailflow.catalog.CatalogValidator;
import io.mailflow.model.CatalogUpdate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Validates a catalog feed (CSV or JSONL, see {@link CatalogFeed}) with the job's own rules and loads its valid
 * items into the compacted catalog topic, each keyed by its item id (the latest version of an item wins).
 *
 * <pre>
 * java -cp mailflow-tools.jar io.mailflow.tools.cli.CatalogCli validate feed.csv
 * java -cp mailflow-tools.jar io.mailflow.tools.cli.CatalogCli load feed.jsonl --bootstrap host:9092 --topic mailflow.catalog
 * </pre>
 *
 * The format follows the file name ({@code .csv}, otherwise JSONL) unless {@code --format csv|jsonl} says.
 * Invalid lines are reported with their line number and reason (at most 20) and not loaded; the valid ones are.
 * Exit status: 0 every line valid (and loaded), 1 some line invalid or loading failed, 2 usage error.
 */
public final class CatalogCli {
    private CatalogCli() {}

    private static final int MAX_REPORTED = 20;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 2 || !(args[0].equals("validate") || args[0].equals("load"))) {
            err.println("usage: CatalogCli validate FILE [--format csv|jsonl]");
            err.println("       CatalogCli load FILE --bootstrap HOST:PORT --topic TOPIC [--format csv|jsonl]");
            err.println("           [--kafka.security.protocol P ...] (secrets from MAILFLOW_KAFKA_* variables)");
            return 2;
        }
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 2; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        boolean csv = opts.getOrDefault("format", args[1].endsWith(".csv") ? "csv" : "jsonl")
                .equals("csv");
        if (args[0].equals("validate")) {
            return feed(Path.of(args[1]), csv, (key, value) -> {}, out, err);
        }
        String bootstrap = opts.get("bootstrap");
        String topic = opts.get("topic");
        if (bootstrap == null || topic == null) {
            err.println("load needs --bootstrap HOST:PORT and --topic TOPIC");
            return 2;
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try {
            KafkaClientOptions.apply(opts, p);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            int status = feed(
                    Path.of(args[1]),
                    csv,
                    (key, value) -> producer.send(new ProducerRecord<>(topic, key, value)),
                    out,
                    err);
            producer.flush();
            out.printf("loaded into %s%n", topic);
            return status;
        } catch (RuntimeException e) {
            err.println("loading failed: " + e.getMessage());
            return 1;
        }
    }

    /** Validates every line of the feed and hands each valid item (key, value) to {@code sink}. */
    static int feed(Path file, boolean csv, BiConsumer<byte[], byte[]> sink, PrintStream out, PrintStream err) {
        // The wall clock bounds updatedAt as in the job (an hour ahead at most).
        CatalogValidator validator = new CatalogValidator(Duration.ofHours(1));
        long now = System.currentTimeMillis();
        int valid = 0;
        int invalid = 0;
        List<String> header = null;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                if (csv && header == null) {
                    header = new ArrayList<>(CatalogFeed.splitCsv(line.strip()));
                    continue;
                }
                String reason;
                byte[] value = null;
                CatalogUpdate update = null;
                try {
                    value = csv ? CatalogFeed.csvRecord(header, line) : CatalogFeed.jsonlRecord(line);
                    CatalogValidator.Result r = validator.validate(null, value, now);
                    reason = r.error();
                    update = r.update();
                } catch (IllegalArgumentException e) {
                    reason = e.getMessage();
                }
                if (update != null && !update.removed()) {
                    valid++;
                    sink.accept(update.itemId().getBytes(StandardCharsets.UTF_8), value);
                } else {
                    invalid++;
                    if (invalid <= MAX_REPORTED) {
                        out.printf("INVALID  line %d: %s%n", number, reason);
                    }
                }
            }
        } catch (IOException e) {
            err.println("cannot read " + file + ": " + e.getMessage());
            return 1;
        }
        out.printf("%d valid items, %d invalid lines%n", valid, invalid);
        return invalid == 0 ? 0 : 1;
    }
}
