package io.mailflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.DeadLetter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The job's Kafka sinks stamp records with the time they are written: a stream timestamp days ahead (a hostile
 * record's claimed time on its way to the dead letters) would be refused by a broker
 * ({@code log.message.timestamp.after.max.ms}, one hour by default since Kafka 4.0) and fail the task for ever;
 * one years behind (a replay) would be deleted by time-based retention at once. {@code AbandonedCartPipelineITCase}
 * shows the first against a real broker.
 */
class WriteTimeRecordsTest {
    private static final long FAR_AHEAD = 4_102_444_800_000L; // 2100-01-01

    @Test
    void recordsCarryNoStreamTimestampAndKeepTopicKeyAndValue() {
        KafkaIO.WriteTimeRecords<DeadLetter> s = new KafkaIO.WriteTimeRecords<>("dl", DeadLetter::stage);
        DeadLetter d = DeadLetter.of("ingest", "timestamp is more than PT1H in the future", "{}");
        for (Long streamTime : new Long[] {FAR_AHEAD, 946_684_800_000L, -1L, null}) {
            ProducerRecord<byte[], byte[]> r = s.serialize(d, null, streamTime);
            assertThat(r.timestamp())
                    .as("record time for stream time %s", streamTime)
                    .isNull();
            assertThat(r.topic()).isEqualTo("dl");
            assertThat(r.partition()).isNull();
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("ingest");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).contains("more than PT1H in the future");
        }
    }
}
