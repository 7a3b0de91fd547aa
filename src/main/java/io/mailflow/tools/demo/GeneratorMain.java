package io.mailflow.tools.demo;

import io.mailflow.io.Json;
import io.mailflow.model.Event;
import io.mailflow.model.UserProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes generated shopping traffic ({@link ShoppingTrafficGenerator}) to a Kafka broker until
 * stopped: the event generator of the docker-compose stack. Needs only kafka-clients and Jackson, so
 * it runs from the tools jar: {@code java -cp mailflow-tools.jar io.mailflow.tools.demo.GeneratorMain --bootstrap-servers kafka:19092}.
 *
 * <p>Simulated time starts {@code --backlog} in the past and runs {@code --speed} times faster than the
 * wall clock until it reaches now, then at the wall clock's pace. Sessions and abandoned-cart delays
 * therefore play out within minutes of starting, and no event is ever stamped in the future (the job
 * rejects those).
 */
public final class GeneratorMain {
    private GeneratorMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = parse(args);
        String bootstrap = o.getOrDefault("bootstrap-servers", "localhost:9092");
        String eventsTopic = o.getOrDefault("events-topic", "mailflow.events");
        String profilesTopic = o.getOrDefault("profiles-topic", "mailflow.profiles");
        int users = Integer.parseInt(o.getOrDefault("users", "5000"));
        double rate = Double.parseDouble(o.getOrDefault("rate", "5"));
        int speed = Integer.parseInt(o.getOrDefault("speed", "60"));
        Duration backlog = Duration.parse("PT" + o.getOrDefault("backlog", "3h").toUpperCase(Locale.ROOT));
        long maxEvents = Long.parseLong(o.getOrDefault("max-events", "0"));

        long wallStart = System.currentTimeMillis();
        long simulatedStart = wallStart - backlog.toMillis();
        ShoppingTrafficGenerator generator = new ShoppingTrafficGenerator(
                Long.parseLong(o.getOrDefault("seed", "42")), users, 2_000, simulatedStart, rate);
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, o)) {
            for (UserProfile p : generator.profiles()) {
                producer.send(new ProducerRecord<>(profilesTopic, bytes(p.userId()), Json.toBytes(p)));
            }
            producer.flush();
            System.out.printf(
                    Locale.ROOT,
                    "generator: %,d profiles to %s; events to %s at %.1f/s simulated, x%d until now%n",
                    users,
                    profilesTopic,
                    eventsTopic,
                    rate,
                    speed);
            long n = 0;
            while (maxEvents <= 0 || n < maxEvents) {
                Event e = generator.next();
                long due = Math.max(wallStart + (e.timestamp() - simulatedStart) / speed, e.timestamp());
                long wait = due - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                producer.send(new ProducerRecord<>(eventsTopic, bytes(e.userId()), Json.toBytes(e)));
                if (++n % 10_000 == 0) {
                    System.out.printf(
                            Locale.ROOT, "generator: %,d events, simulated clock %tFT%<tT%n", n, e.timestamp());
                }
            }
        }
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("Expected --option value, got " + args[i]);
            }
            out.put(args[i].substring(2), args[i + 1]);
        }
        return out;
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap, Map<String, String> opts) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        io.mailflow.tools.cli.KafkaClientOptions.apply(opts, p); // --kafka.security.protocol ... as for the job
        return new KafkaProducer<>(p);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
