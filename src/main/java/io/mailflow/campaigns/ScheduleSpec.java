package io.mailflow.campaigns;

import java.util.List;

/**
 * When a scheduled campaign sends: a local date-time (one-off) or a local time of day on some weekdays
 * (recurring), in each recipient's own time zone, at a ramp of e-mails per minute.
 *
 * <p>Stored as wire strings (not {@code LocalDateTime}, {@code DayOfWeek}) because the spec lives in broadcast
 * state inside {@link CampaignDefinition} and Flink's POJO serializer cannot change a field's type on restore;
 * the parser has checked them, {@code campaigns.schedule.Occurrences} reads them.
 *
 * @param at one-off: local date-time {@code 2026-12-07T09:00}; null for a recurring schedule
 * @param time recurring: local time of day {@code 09:00}; null for a one-off
 * @param days recurring: {@code MON} .. {@code SUN}; empty means every day
 * @param rampPerMinute the most e-mails per minute, over the whole job
 * @param windowMs how long after the local send time a user may still get the occurrence (users the ramp has
 *     not reached by then are skipped, so a recurring campaign never piles up)
 */
public record ScheduleSpec(String at, String time, List<String> days, long rampPerMinute, long windowMs)
        implements java.io.Serializable {

    public boolean recurring() {
        return at == null;
    }
}
