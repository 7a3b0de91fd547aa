package io.mailflow.campaigns.schedule;

import io.mailflow.campaigns.ScheduleSpec;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * Which occurrence of a schedule is open for a recipient at an instant: due (its local time has come in the
 * recipient's zone) and still within its window. Local times are resolved with the zone's rules on the actual
 * date: on a spring-forward night a time inside the gap moves to the first valid instant after it, and in an
 * autumn overlap the earlier of the two instants counts (java.time's rules), so an occurrence is due once.
 */
public final class Occurrences {
    private Occurrences() {}

    /** The open occurrence of {@code s} for a recipient in {@code zone} at {@code now}, if any. */
    public static Optional<Occurrence> open(ScheduleSpec s, ZoneId zone, long now) {
        if (!s.recurring()) {
            LocalDateTime at = LocalDateTime.parse(s.at());
            return within(s.at(), ZonedDateTime.of(at, zone), s.windowMs(), now);
        }
        LocalTime time = LocalTime.parse(s.time());
        LocalDate today = Instant.ofEpochMilli(now).atZone(zone).toLocalDate();
        // the window is shorter than a day (parser), so only today's or yesterday's occurrence can be open
        for (LocalDate d : new LocalDate[] {today, today.minusDays(1)}) {
            if (onDay(s, d.getDayOfWeek())) {
                Optional<Occurrence> o = within(d + "T" + time, ZonedDateTime.of(d, time, zone), s.windowMs(), now);
                if (o.isPresent()) {
                    return o;
                }
            }
        }
        return Optional.empty();
    }

    /** The extreme UTC offsets of any zone (-12:00 .. +14:00). */
    private static final long EARLIEST_MS = 14 * 3_600_000L;

    private static final long LATEST_MS = 12 * 3_600_000L;

    /**
     * Whether an occurrence of {@code s} may be open at {@code now} in some zone: the walk over the users is skipped
     * when none can be (a weekly campaign walks about a day and a half a week, a one-off only around its date).
     */
    public static boolean openAnywhere(ScheduleSpec s, long now) {
        LocalDate today =
                Instant.ofEpochMilli(now).atZone(java.time.ZoneOffset.UTC).toLocalDate();
        if (!s.recurring()) {
            return nearby(LocalDateTime.parse(s.at()), s.windowMs(), now);
        }
        LocalTime time = LocalTime.parse(s.time());
        for (int back = -1; back <= 2; back++) {
            LocalDate d = today.minusDays(back);
            if (onDay(s, d.getDayOfWeek()) && nearby(d.atTime(time), s.windowMs(), now)) {
                return true;
            }
        }
        return false;
    }

    private static boolean nearby(LocalDateTime local, long windowMs, long now) {
        long asUtc = local.toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
        return asUtc - EARLIEST_MS <= now && now < asUtc + LATEST_MS + windowMs;
    }

    private static boolean onDay(ScheduleSpec s, DayOfWeek day) {
        return s.days().isEmpty() || s.days().contains(day.name().substring(0, 3));
    }

    private static Optional<Occurrence> within(String key, ZonedDateTime due, long windowMs, long now) {
        long at = due.toInstant().toEpochMilli();
        return at <= now && now < at + windowMs ? Optional.of(new Occurrence(key, at)) : Optional.empty();
    }

    /** The zone of a profile's IANA id; UTC when the user has none or an unknown one. */
    public static ZoneId zoneOf(String id) {
        if (id == null || id.isBlank()) {
            return ZoneId.of("UTC");
        }
        try {
            return ZoneId.of(id);
        } catch (RuntimeException e) {
            return ZoneId.of("UTC");
        }
    }
}
