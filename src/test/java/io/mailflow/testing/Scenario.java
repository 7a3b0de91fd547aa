package io.mailflow.testing;

import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.io.Json;
import io.mailflow.model.Event;
import io.mailflow.model.UserProfile;
import io.mailflow.testkit.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Publishes profiles and abandoned-cart sessions for a set of users, for delivery tests. */
public final class Scenario {
    private final List<UserProfile> profiles = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private final List<String[]> rawProfiles = new ArrayList<>();

    /** A user who carts one item and leaves: one abandoned-cart e-mail each. */
    public Scenario abandoner(String userId, String email, String name, String locale) {
        profiles.add(new UserProfile(userId, email, name, locale, "UTC", true, 1));
        events.add(Events.cart(userId, "sku-" + userId, 9.99, Events.BEGINNING + events.size()));
        return this;
    }

    public Scenario abandoners(int n, String prefix) {
        for (int i = 0; i < n; i++) {
            abandoner(prefix + i, prefix + i + "@example.com", "User " + i, "en");
        }
        return this;
    }

    /** A profile document sent as given (to test validation). */
    public Scenario rawProfile(String json, String userId) {
        rawProfiles.add(new String[] {userId, json});
        events.add(Events.cart(userId, "sku-" + userId, 9.99, Events.BEGINNING + events.size()));
        return this;
    }

    public int users() {
        return profiles.size();
    }

    public void publish(EmbeddedKafka kafka, MailflowConfig config) {
        try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
            for (UserProfile profile : profiles) {
                p.send(new ProducerRecord<>(
                        config.get(MailflowOptions.TOPIC_PROFILES), bytes(profile.userId()), Json.toBytes(profile)));
            }
            for (String[] raw : rawProfiles) {
                p.send(new ProducerRecord<>(config.get(MailflowOptions.TOPIC_PROFILES), bytes(raw[0]), bytes(raw[1])));
            }
            for (Event e : events) {
                p.send(new ProducerRecord<>(
                        config.get(MailflowOptions.TOPIC_EVENTS), bytes(e.userId()), Json.toBytes(e)));
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
