package io.mailflow.campaigns.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.campaigns.ScheduleSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Occurrences in the recipient's zone, with fixed instants, across zones and daylight-saving changes. */
class OccurrencesTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    static final long WINDOW = Duration.ofHours(6).toMillis();

    static long t(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    static ScheduleSpec once(String at) {
        return new ScheduleSpec(at, null, List.of(), 100, WINDOW);
    }

    static ScheduleSpec daily(String time, String... days) {
        return new ScheduleSpec(null, time, List.of(days), 100, WINDOW);
    }

    @Test
    void aOneOffIsDueAtItsLocalTimeInEachZoneAndOnlyWithinItsWindow() {
        ScheduleSpec s = once("2026-12-07T09:00");
        // 09:00 in Tokyo is 00:00Z, in Berlin 08:00Z, in New York 14:00Z
        assertThat(Occurrences.open(s, TOKYO, t("2026-12-07T00:00:00Z")))
                .contains(new Occurrence("2026-12-07T09:00", t("2026-12-07T00:00:00Z")));
        assertThat(Occurrences.open(s, BERLIN, t("2026-12-07T00:00:00Z"))).isEmpty();
        assertThat(Occurrences.open(s, BERLIN, t("2026-12-07T07:59:59Z"))).isEmpty();
        assertThat(Occurrences.open(s, BERLIN, t("2026-12-07T08:00:00Z")))
                .contains(new Occurrence("2026-12-07T09:00", t("2026-12-07T08:00:00Z")));
        assertThat(Occurrences.open(s, NEW_YORK, t("2026-12-07T13:59:00Z"))).isEmpty();
        assertThat(Occurrences.open(s, NEW_YORK, t("2026-12-07T14:00:00Z"))).isPresent();
        // the window closes six hours after the local time: Tokyo's is over when New York's opens
        assertThat(Occurrences.open(s, TOKYO, t("2026-12-07T05:59:59Z"))).isPresent();
        assertThat(Occurrences.open(s, TOKYO, t("2026-12-07T06:00:00Z"))).isEmpty();
    }

    @Test
    void aDailyTimeFollowsTheZonesDaylightSavingChange() {
        ScheduleSpec s = daily("09:00");
        // Berlin springs forward on 2026-03-29: 09:00 is 08:00Z the day before and 07:00Z that day
        assertThat(Occurrences.open(s, BERLIN, t("2026-03-28T08:00:00Z")))
                .contains(new Occurrence("2026-03-28T09:00", t("2026-03-28T08:00:00Z")));
        assertThat(Occurrences.open(s, BERLIN, t("2026-03-29T07:00:00Z")))
                .contains(new Occurrence("2026-03-29T09:00", t("2026-03-29T07:00:00Z")));
        assertThat(Occurrences.open(s, BERLIN, t("2026-03-29T06:59:59Z"))).isEmpty();
        // New York springs forward on 2026-03-08: 09:00 EST is 14:00Z, 09:00 EDT 13:00Z
        assertThat(Occurrences.open(s, NEW_YORK, t("2026-03-07T14:00:00Z"))).isPresent();
        assertThat(Occurrences.open(s, NEW_YORK, t("2026-03-08T13:00:00Z")))
                .contains(new Occurrence("2026-03-08T09:00", t("2026-03-08T13:00:00Z")));
    }

    @Test
    void aTimeInTheSpringGapMovesPastItAndOneInTheAutumnOverlapIsDueOnceAtTheEarlierInstant() {
        // 02:30 does not exist in Berlin on 2026-03-29: it becomes 03:30 CEST = 01:30Z
        assertThat(Occurrences.open(once("2026-03-29T02:30"), BERLIN, t("2026-03-29T01:29:59Z")))
                .isEmpty();
        assertThat(Occurrences.open(once("2026-03-29T02:30"), BERLIN, t("2026-03-29T01:30:00Z")))
                .contains(new Occurrence("2026-03-29T02:30", t("2026-03-29T01:30:00Z")));
        // 02:30 happens twice on 2026-10-25; the first (CEST, 00:30Z) counts, and the key is the same
        assertThat(Occurrences.open(once("2026-10-25T02:30"), BERLIN, t("2026-10-25T00:30:00Z")))
                .contains(new Occurrence("2026-10-25T02:30", t("2026-10-25T00:30:00Z")));
        assertThat(Occurrences.open(once("2026-10-25T02:30"), BERLIN, t("2026-10-25T00:29:59Z")))
                .isEmpty();
    }

    @Test
    void weekdaysRestrictARecurringScheduleAndYesterdaysOccurrenceStaysOpenPastMidnight() {
        ScheduleSpec mondays = daily("09:00", "MON");
        // 2026-12-07 is a Monday, 2026-12-08 a Tuesday
        assertThat(Occurrences.open(mondays, BERLIN, t("2026-12-07T08:30:00Z"))).isPresent();
        assertThat(Occurrences.open(mondays, BERLIN, t("2026-12-08T08:30:00Z"))).isEmpty();
        ScheduleSpec late = new ScheduleSpec(null, "22:00", List.of("MON"), 100, WINDOW);
        // Monday 22:00 Berlin = 21:00Z; at 00:30 local on Tuesday it is still Monday's occurrence
        assertThat(Occurrences.open(late, BERLIN, t("2026-12-07T23:30:00Z")))
                .contains(new Occurrence("2026-12-07T22:00", t("2026-12-07T21:00:00Z")));
    }

    @Test
    void theWalkRunsOnlyWhileSomeZoneMayHaveTheOccurrenceOpen() {
        ScheduleSpec s = once("2026-12-07T09:00");
        // the first zone (+14:00) reaches it at 2026-12-06T19:00Z, the last (-12:00) leaves it 6 h after 21:00Z
        assertThat(Occurrences.openAnywhere(s, t("2026-12-06T18:59:59Z"))).isFalse();
        assertThat(Occurrences.openAnywhere(s, t("2026-12-06T19:00:00Z"))).isTrue();
        assertThat(Occurrences.openAnywhere(s, t("2026-12-08T02:59:59Z"))).isTrue();
        assertThat(Occurrences.openAnywhere(s, t("2026-12-08T03:00:00Z"))).isFalse();
        ScheduleSpec mondays = daily("09:00", "MON");
        assertThat(Occurrences.openAnywhere(mondays, t("2026-12-07T12:00:00Z"))).isTrue();
        assertThat(Occurrences.openAnywhere(mondays, t("2026-12-09T12:00:00Z")))
                .as("Wednesday")
                .isFalse();
        // every zone's open occurrence is within that span
        for (String z :
                List.of("Pacific/Kiritimati", "Asia/Tokyo", "Europe/Berlin", "America/New_York", "Etc/GMT+12")) {
            for (long at = t("2026-12-06T00:00:00Z"); at < t("2026-12-09T00:00:00Z"); at += 15 * 60_000L) {
                if (Occurrences.open(s, ZoneId.of(z), at).isPresent()) {
                    assertThat(Occurrences.openAnywhere(s, at))
                            .as("%s at %s", z, Instant.ofEpochMilli(at))
                            .isTrue();
                }
                if (Occurrences.open(mondays, ZoneId.of(z), at).isPresent()) {
                    assertThat(Occurrences.openAnywhere(mondays, at)).isTrue();
                }
            }
        }
    }

    @Test
    void anUnknownOrMissingZoneIsUtc() {
        assertThat(Occurrences.zoneOf(null)).isEqualTo(ZoneId.of("UTC"));
        assertThat(Occurrences.zoneOf("Mars/Olympus")).isEqualTo(ZoneId.of("UTC"));
        assertThat(Occurrences.zoneOf("Europe/Berlin")).isEqualTo(BERLIN);
    }
}
