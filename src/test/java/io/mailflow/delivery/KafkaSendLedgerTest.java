package io.mailflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.delivery.SendLedger.Claim;
import io.mailflow.delivery.SendLedger.Shard;
import io.mailflow.testing.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kafka send ledger against a real in-process broker (issue 11, items 11 and 13): intent before the
 * SMTP attempt and acknowledgement after it, an intent without acknowledgement is ambiguous after a
 * restart, each sender instance loads only its own users' entries, and a malformed record is skipped.
 */
class KafkaSendLedgerTest {
    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static final long NOW = System.currentTimeMillis();

    private static String newTopic() throws Exception {
        String topic = "ledger-" + TOPICS.incrementAndGet();
        KAFKA.broker().createTopic(topic, 1, true);
        return topic;
    }

    private static KafkaSendLedger open(String topic, Duration retention, Shard shard) {
        KafkaSendLedger ledger =
                new KafkaSendLedger(KAFKA.broker().bootstrapServers(), topic, retention, Duration.ofSeconds(10));
        ledger.restore(shard);
        return ledger;
    }

    private static KafkaSendLedger open(String topic) {
        return open(topic, Duration.ofDays(30), Shard.ALL);
    }

    @Test
    void anIntentWithoutAcknowledgementIsAmbiguousAfterARestart() throws Exception {
        String topic = newTopic();
        try (KafkaSendLedger before = open(topic)) {
            assertThat(before.claim("cut-off")).isEqualTo(Claim.CLAIMED);
            before.recordIntent("cut-off", "u1", "<m1>", NOW); // the process dies during the SMTP transaction
            assertThat(before.claim("accepted")).isEqualTo(Claim.CLAIMED);
            before.recordIntent("accepted", "u2", "<m2>", NOW);
            before.recordSent("accepted", "u2", "<m2>", NOW);
            assertThat(before.claim("refused")).isEqualTo(Claim.CLAIMED);
            before.recordIntent("refused", "u3", "<m3>", NOW);
            before.recordNotSent("refused"); // a 5xx or 4xx reply: definitely not sent
        }
        try (KafkaSendLedger after = open(topic)) {
            assertThat(after.claim("cut-off")).isEqualTo(Claim.AMBIGUOUS);
            assertThat(after.claim("cut-off")).as("held by the first claimer").isEqualTo(Claim.IN_FLIGHT);
            assertThat(after.claim("accepted")).isEqualTo(Claim.ALREADY_SENT);
            assertThat(after.claim("refused")).isEqualTo(Claim.CLAIMED);
            assertThat(after.claim("never-seen")).isEqualTo(Claim.CLAIMED);
        }
    }

    @Test
    void eachSenderInstanceLoadsOnlyItsOwnUsers() throws Exception {
        String topic = newTopic();
        try (KafkaSendLedger writer = open(topic)) {
            for (int i = 0; i < 200; i++) {
                writer.recordIntent("r" + i, "user-" + i, "<m" + i + ">", NOW);
                writer.recordSent("r" + i, "user-" + i, "<m" + i + ">", NOW);
            }
        }
        Shard first = new Shard(128, 2, 0);
        Shard second = new Shard(128, 2, 1);
        try (KafkaSendLedger a = open(topic, Duration.ofDays(30), first);
                KafkaSendLedger b = open(topic, Duration.ofDays(30), second)) {
            assertThat(a.size()).isPositive().isLessThan(200);
            assertThat(b.size()).isPositive().isLessThan(200);
            assertThat(a.size() + b.size()).isEqualTo(200);
            for (int i = 0; i < 200; i++) {
                KafkaSendLedger owner = first.owns("user-" + i) ? a : b;
                assertThat(owner.claim("r" + i)).isEqualTo(Claim.ALREADY_SENT);
            }
        }
    }

    @Test
    void aMalformedRecordIsSkippedAndCounted() throws Exception {
        String topic = newTopic();
        try (var producer = KAFKA.broker().producer()) {
            producer.send(new ProducerRecord<>(
                            topic,
                            "bad-1".getBytes(StandardCharsets.UTF_8),
                            "{not json".getBytes(StandardCharsets.UTF_8)))
                    .get();
            producer.send(new ProducerRecord<>(
                            topic, "bad-2".getBytes(StandardCharsets.UTF_8), new byte[] {0, 1, 2, (byte) 0xff}))
                    .get();
            producer.send(new ProducerRecord<>(
                            topic,
                            "bad-3".getBytes(StandardCharsets.UTF_8),
                            "{\"requestId\":null,\"state\":\"SENT\"}".getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
        try (KafkaSendLedger writer = open(topic)) {
            writer.recordIntent("good", "u1", "<m>", NOW);
            writer.recordSent("good", "u1", "<m>", NOW);
        }
        try (KafkaSendLedger ledger = open(topic)) {
            assertThat(ledger.malformedRecords()).isEqualTo(3);
            assertThat(ledger.claim("good")).isEqualTo(Claim.ALREADY_SENT);
        }
    }

    @Test
    void entriesOlderThanTheRetentionAreForgotten() throws Exception {
        String topic = newTopic();
        long twoDaysAgo = NOW - Duration.ofDays(2).toMillis();
        try (KafkaSendLedger writer = open(topic)) {
            writer.recordIntent("old", "u1", "<m>", twoDaysAgo);
            writer.recordSent("old", "u1", "<m>", twoDaysAgo);
            writer.recordIntent("new", "u2", "<m2>", NOW);
            writer.recordSent("new", "u2", "<m2>", NOW);
        }
        try (KafkaSendLedger ledger = open(topic, Duration.ofDays(1), Shard.ALL)) {
            assertThat(ledger.claim("old")).isEqualTo(Claim.CLAIMED);
            assertThat(ledger.claim("new")).isEqualTo(Claim.ALREADY_SENT);
        }
    }
}
