package io.mailflow.io;

import java.io.Serializable;
import java.time.Duration;

/**
 * Where event time ends when a bounded input has been read to its end.
 *
 * <p>Flink's sources signal the end of a bounded input with a watermark at the end of time
 * ({@code Long.MAX_VALUE}), which fires every pending event-time timer, however far ahead: replaying
 * three hours of history would send 30-day win-back e-mails as if a month had passed. A replay, a
 * backfill or a backtest must instead stop event time where the history stops.
 *
 * @param capped true: at the end of a bounded input, event time advances only to the newest event seen
 *     plus {@code latenessMs}, and timers due later are never fired; false: Flink's end of time
 * @param latenessMs how far past the newest event event time may advance at the end of the input
 */
public record EventTimeEnd(boolean capped, long latenessMs) implements Serializable {

    public EventTimeEnd {
        if (latenessMs < 0) {
            throw new IllegalArgumentException("lateness must be >= 0 ms, got " + latenessMs);
        }
    }

    /** Flink's behaviour: the end of a bounded input is the end of time. */
    public static EventTimeEnd endOfTime() {
        return new EventTimeEnd(false, 0L);
    }

    /** Event time ends at the newest event plus {@code lateness}. */
    public static EventTimeEnd lastEvent(Duration lateness) {
        return new EventTimeEnd(true, lateness.toMillis());
    }

    /** The final watermark for an input whose newest event was at {@code maxTimestamp}, without overflow. */
    long finalWatermark(long maxTimestamp) {
        long l = latenessMs;
        return maxTimestamp > Long.MAX_VALUE - 1 - l ? Long.MAX_VALUE - 1 : maxTimestamp + l;
    }
}
