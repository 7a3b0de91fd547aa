package io.mailflow.guardrails;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * Hours of the recipient's local day in which no e-mail is sent, e.g. 21:00 to 08:00. The interval
 * may wrap midnight; {@code start == end} means no quiet hours.
 *
 * <p>Local times are resolved with the zone's rules on the actual date, so daylight-saving changes are
 * honoured: on the night clocks go forward, 08:00 local is one hour closer in UTC than the night before,
 * and an end time inside the gap (e.g. 02:30 on a spring-forward night) moves to the first valid instant
 * after the gap (java.time's rule for gaps).
 */
public final class QuietHours implements Serializable {
    private static final long serialVersionUID = 1L;

    private final LocalTime start;
    private final LocalTime end;

    public QuietHours(LocalTime start, LocalTime end) {
        this.start = start;
        this.end = end;
    }

    public static QuietHours none() {
        return new QuietHours(LocalTime.MIDNIGHT, LocalTime.MIDNIGHT);
    }

    public boolean enabled() {
        return !start.equals(end);
    }

    /** Whether {@code t} is in quiet hours in {@code zone}. */
    public boolean isQuiet(long t, ZoneId zone) {
        if (!enabled()) {
            return false;
        }
        LocalTime local = Instant.ofEpochMilli(t).atZone(zone).toLocalTime();
        return start.isBefore(end)
                ? !local.isBefore(start) && local.isBefore(end)
                : !local.isBefore(start) || local.isBefore(end);
    }

    /** {@code t} if it is not quiet in {@code zone}, else the first instant after it at which quiet hours end. */
    public long nextAllowed(long t, ZoneId zone) {
        if (!isQuiet(t, zone)) {
            return t;
        }
        ZonedDateTime now = Instant.ofEpochMilli(t).atZone(zone);
        LocalDate day = now.toLocalDate();
        // quiet hours end today (after midnight, or same-day interval), else tomorrow
        ZonedDateTime candidate = ZonedDateTime.of(day, end, zone);
        if (!candidate.isAfter(now)) {
            candidate = ZonedDateTime.of(day.plusDays(1), end, zone);
        }
        return candidate.toInstant().toEpochMilli();
    }
}
