package io.mailflow.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.io.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeadLetterTest {
    private static final int KAFKA_MAX_REQUEST = 1024 * 1024;

    @Test
    void aFiveMegabyteReasonAndPayloadStayFarBelowTheProducersMaximumRequest() {
        String huge = "x".repeat(5 * 1024 * 1024);
        RawRecord raw = new RawRecord("t", 0, 1, 0, null, huge.getBytes(StandardCharsets.UTF_8));
        for (DeadLetter d : new DeadLetter[] {
            DeadLetter.of("ingest", huge, raw, huge),
            DeadLetter.of("suppression", huge, huge),
            new DeadLetter(huge, huge, huge, huge, 0, 0, 0),
            DeadLetter.of("ingest", "r", raw, DeadLetter.payloadText(raw.value()))
        }) {
            assertThat(d.reason().length()).isLessThanOrEqualTo(DeadLetter.MAX_REASON_CHARS);
            assertThat(d.payload().length()).isLessThanOrEqualTo(DeadLetter.MAX_PAYLOAD_CHARS);
            assertThat(Json.toBytes(d).length).isLessThan(KAFKA_MAX_REQUEST / 8);
        }
        assertThat(DeadLetter.of("ingest", huge, "p").reason()).endsWith(DeadLetter.TRUNCATED);
    }

    @Test
    void shortFieldsAreKeptAndSurrogatePairsAreNotSplit() {
        assertThat(DeadLetter.of("s", "short", "p").reason()).isEqualTo("short");
        String emoji = "😀".repeat(DeadLetter.MAX_REASON_CHARS);
        String cut = DeadLetter.of("s", emoji, "p").reason();
        assertThat(cut).endsWith(DeadLetter.TRUNCATED);
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - DeadLetter.TRUNCATED.length() - 1)))
                .isFalse();
    }
}
