package io.mailflow.features;

import static io.mailflow.features.Sessions.BEGINNING;
import static io.mailflow.features.Sessions.DAY;
import static io.mailflow.features.Sessions.HOUR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdleScheduleTest {
    private static final IdleSchedule THREE_DAILY = new IdleSchedule(Duration.ofDays(1), 3);

    @Test
    void repeatsAreSpacedByAfterAndCountedFromTheLatestSessionsEnd() {
        assertThat(THREE_DAILY.at(BEGINNING, 1)).isEqualTo(BEGINNING + DAY);
        assertThat(THREE_DAILY.at(BEGINNING, 3)).isEqualTo(BEGINNING + 3 * DAY);
        assertThat(THREE_DAILY.repeat(BEGINNING, BEGINNING + DAY)).hasValue(1);
        assertThat(THREE_DAILY.repeat(BEGINNING, BEGINNING + 3 * DAY)).hasValue(3);
        assertThat(THREE_DAILY.hasNext(2)).isTrue();
        assertThat(THREE_DAILY.hasNext(3)).isFalse();
    }

    @Test
    void aTimerThatNoLongerMatchesTheLatestSessionIsStale() {
        // set after a session that ended at BEGINNING; a session ending an hour later moved the clock
        assertThat(THREE_DAILY.repeat(BEGINNING + HOUR, BEGINNING + DAY)).isEmpty();
        assertThat(THREE_DAILY.repeat(BEGINNING, BEGINNING + 4 * DAY))
                .as("beyond max")
                .isEmpty();
        assertThat(THREE_DAILY.repeat(BEGINNING, BEGINNING)).isEmpty();
        assertThat(IdleSchedule.off().repeat(BEGINNING, BEGINNING + DAY)).isEmpty();
    }

    @Test
    void thePendingTimerIsTheFirstRepeatAfterTheWatermark() {
        assertThat(THREE_DAILY.pending(BEGINNING, BEGINNING - HOUR)).hasValue(BEGINNING + DAY);
        assertThat(THREE_DAILY.pending(BEGINNING, BEGINNING + HOUR)).hasValue(BEGINNING + DAY);
        assertThat(THREE_DAILY.pending(BEGINNING, BEGINNING + DAY - 1)).hasValue(BEGINNING + DAY);
        // a timer fires when the watermark reaches it: at BEGINNING + DAY the first one is gone
        assertThat(THREE_DAILY.pending(BEGINNING, BEGINNING + DAY)).hasValue(BEGINNING + 2 * DAY);
        assertThat(THREE_DAILY.pending(BEGINNING, BEGINNING + 3 * DAY)).isEmpty();
        assertThat(THREE_DAILY.pending(BEGINNING, Long.MIN_VALUE)).hasValue(BEGINNING + DAY);
        assertThat(IdleSchedule.off().pending(BEGINNING, BEGINNING)).isEmpty();
    }

    @Test
    void boundsAreValidated() {
        assertThat(IdleSchedule.off().enabled()).isFalse();
        assertThat(THREE_DAILY.enabled()).isTrue();
        for (Map.Entry<Duration, Integer> bad : Map.of(
                        Duration.ofHours(-1), 1,
                        Duration.ofHours(1), 0,
                        Duration.ofHours(2), IdleSchedule.MAX_REPEATS + 1)
                .entrySet()) {
            assertThatThrownBy(() -> new IdleSchedule(bad.getKey(), bad.getValue()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
