package io.mailflow.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PartitionClockTest {
    private static final long NOW = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000;
    private static final long MINUTE = 60_000;

    @Test
    void countsTimesInThePastAsAReplayNeeds() {
        PartitionClock c = new PartitionClock(HOUR, 5 * MINUTE);
        assertThat(c.newest()).isEqualTo(Long.MIN_VALUE);
        assertThat(c.count(NOW - 30 * 24 * HOUR, NOW)).isTrue();
        assertThat(c.count(NOW - 29 * 24 * HOUR, NOW)).isTrue();
        assertThat(c.count(NOW - 30 * 24 * HOUR - 1, NOW)).isTrue(); // older: counted, newest unchanged
        assertThat(c.newest()).isEqualTo(NOW - 29 * 24 * HOUR);
    }

    @Test
    void oneRecordCannotDragThePartitionAheadOfTheWallClockOrOfItself() {
        PartitionClock c = new PartitionClock(HOUR, 5 * MINUTE);
        assertThat(c.count(NOW, NOW)).isTrue();
        assertThat(c.count(NOW + 50 * MINUTE, NOW))
                .as("within the skew, but 50 min ahead of the partition")
                .isFalse();
        assertThat(c.count(NOW + 2 * HOUR, NOW)).as("beyond the skew").isFalse();
        assertThat(c.count(NOW + 4 * MINUTE, NOW)).isTrue();
        assertThat(c.count(NOW + 8 * MINUTE, NOW))
                .as("steps of the allowed lead")
                .isTrue();
        assertThat(c.newest()).isEqualTo(NOW + 8 * MINUTE);
    }

    @Test
    void noTimeAndTimesOutsideTheWindowDoNotCount() {
        PartitionClock c = new PartitionClock(HOUR, 5 * MINUTE);
        assertThat(c.count(TimestampPeek.NONE, NOW)).isFalse();
        assertThat(c.count(InputRules.MIN_TIMESTAMP - 1, NOW)).isFalse();
        assertThat(c.count(Long.MAX_VALUE, NOW)).isFalse();
        assertThat(c.newest()).isEqualTo(Long.MIN_VALUE);
    }
}
