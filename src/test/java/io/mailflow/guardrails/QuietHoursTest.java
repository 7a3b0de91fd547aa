package io.mailflow.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class QuietHoursTest {
    static final QuietHours NIGHT = new QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0));
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

    static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void theSameInstantIsQuietInOneZoneAndNotInAnother() {
        long t = at("2025-06-10T20:00:00Z"); // 22:00 Berlin, 16:00 New York, 05:00 Tokyo (next day)
        assertThat(NIGHT.nextAllowed(t, BERLIN)).isEqualTo(at("2025-06-11T06:00:00Z")); // 08:00 CEST
        assertThat(NIGHT.nextAllowed(t, NEW_YORK)).isEqualTo(t);
        assertThat(NIGHT.nextAllowed(t, TOKYO)).isEqualTo(at("2025-06-10T23:00:00Z")); // 08:00 JST the same morning
    }

    @Test
    void boundariesAreStartInclusiveEndExclusive() {
        assertThat(NIGHT.isQuiet(at("2025-06-10T19:00:00Z"), BERLIN)).isTrue(); // 21:00
        assertThat(NIGHT.isQuiet(at("2025-06-10T18:59:59Z"), BERLIN)).isFalse();
        assertThat(NIGHT.isQuiet(at("2025-06-11T06:00:00Z"), BERLIN)).isFalse(); // 08:00
        assertThat(NIGHT.isQuiet(at("2025-06-11T05:59:59Z"), BERLIN)).isTrue();
    }

    @Test
    void springForwardMakesTheNightAnHourShorter() {
        // Berlin, 30 March 2025: 02:00 CET becomes 03:00 CEST
        long normalNight = at("2025-03-28T22:30:00Z"); // 23:30 CET
        long dstNight = at("2025-03-29T22:30:00Z"); // 23:30 CET, the night of the change
        assertThat(NIGHT.nextAllowed(normalNight, BERLIN)).isEqualTo(at("2025-03-29T07:00:00Z")); // 08:00 CET
        assertThat(NIGHT.nextAllowed(dstNight, BERLIN)).isEqualTo(at("2025-03-30T06:00:00Z")); // 08:00 CEST
    }

    @Test
    void fallBackMakesTheNightAnHourLonger() {
        // New York, 2 November 2025: 02:00 EDT becomes 01:00 EST
        long t = at("2025-11-02T02:00:00Z"); // 22:00 EDT on 1 November
        assertThat(NIGHT.nextAllowed(t, NEW_YORK)).isEqualTo(at("2025-11-02T13:00:00Z")); // 08:00 EST: 11 h later
        // 01:30 local happens twice that night; both are quiet
        assertThat(NIGHT.isQuiet(at("2025-11-02T05:30:00Z"), NEW_YORK)).isTrue();
        assertThat(NIGHT.isQuiet(at("2025-11-02T06:30:00Z"), NEW_YORK)).isTrue();
    }

    @Test
    void anEndInsideTheSpringForwardGapMovesToTheFirstValidInstant() {
        QuietHours lateNight = new QuietHours(LocalTime.of(22, 0), LocalTime.of(2, 30));
        long t = at("2025-03-30T00:00:00Z"); // 01:00 CET
        // 02:30 does not exist that night; java.time moves it forward by the gap to 03:30 CEST
        assertThat(lateNight.nextAllowed(t, BERLIN)).isEqualTo(at("2025-03-30T01:30:00Z"));
    }

    @Test
    void sameDayIntervalsAndDisabledQuietHours() {
        QuietHours lunch = new QuietHours(LocalTime.of(12, 0), LocalTime.of(13, 0));
        assertThat(lunch.nextAllowed(at("2025-06-10T12:30:00Z"), ZoneId.of("UTC")))
                .isEqualTo(at("2025-06-10T13:00:00Z"));
        assertThat(lunch.isQuiet(at("2025-06-10T13:30:00Z"), ZoneId.of("UTC"))).isFalse();
        assertThat(QuietHours.none().isQuiet(at("2025-06-10T02:00:00Z"), BERLIN))
                .isFalse();
    }
}
