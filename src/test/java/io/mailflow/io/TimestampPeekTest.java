package io.mailflow.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.ingestion.EventValidator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimestampPeekTest {
    private static final long T = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
    private static final int LIMIT = 1024;

    private static long peek(String json) {
        return TimestampPeek.peek(json.getBytes(StandardCharsets.UTF_8), "timestamp", LIMIT);
    }

    @Test
    void readsEpochMillisAndIsoInstantsAtTheTopLevelOnly() {
        assertThat(peek("{\"a\":1,\"timestamp\":" + T + "}")).isEqualTo(T);
        assertThat(peek("{\"timestamp\":\"2026-03-01T10:00:00Z\",\"b\":[1,2,{\"c\":3}]}"))
                .isEqualTo(T);
        // a nested field of the same name is not the record's time
        assertThat(peek("{\"x\":{\"timestamp\":1},\"timestamp\":" + T + "}")).isEqualTo(T);
        assertThat(peek("{\"x\":{\"timestamp\":" + T + "}}")).isEqualTo(TimestampPeek.NONE);
    }

    @Test
    void anythingTheValidatorWouldRefuseHasNoTime() {
        for (String bad : new String[] {
            "",
            "[1]",
            "\"timestamp\"",
            "{\"timestamp\":1.5}",
            "{\"timestamp\":true}",
            "{\"timestamp\":null}",
            "{\"timestamp\":99999999999999999999999}",
            "{\"timestamp\":\"+300000000-01-01T00:00:00Z\"}",
            "{\"timestamp\":\"yesterday\"}",
            "{\"timestamp\":" + T + ",\"timestamp\":" + (T + 1) + "}", // duplicate: which one is the time?
            "{\"timestamp\":" + T + ",", // truncated
            "{\"timestamp\":" + T + "} {}", // trailing document
            "{\"a\":\"" + "x".repeat(LIMIT) + "\",\"timestamp\":" + T + "}" // over the payload limit
        }) {
            assertThat(peek(bad)).as(bad).isEqualTo(TimestampPeek.NONE);
        }
        assertThat(TimestampPeek.peek(null, "timestamp", LIMIT)).isEqualTo(TimestampPeek.NONE);
    }

    @Test
    void theValidatorRefusesADuplicateFieldSoThatNoReaderCanDisagreeOnIt() {
        String twice = "{\"eventId\":\"e1\",\"userId\":\"u1\",\"type\":\"VIEW\",\"itemId\":\"i1\",\"timestamp\":" + T
                + ",\"timestamp\":" + (T + 3_600_000) + "}";
        EventValidator.Result r =
                new EventValidator(Duration.ofHours(1)).validate(twice.getBytes(StandardCharsets.UTF_8), T + 60_000);
        assertThat(r.valid()).isFalse();
        assertThat(r.error()).contains("Duplicate field 'timestamp'");
    }
}
