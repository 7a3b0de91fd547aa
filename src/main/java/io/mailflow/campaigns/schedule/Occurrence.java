package io.mailflow.campaigns.schedule;

/**
 * One occurrence of a schedule for one recipient.
 *
 * @param key the local date-time of the occurrence ({@code 2026-12-07T09:00}), the same in every zone: it is part
 *     of the request id, so a user gets an occurrence at most once, across restarts
 * @param dueAt the instant it is due in the recipient's zone
 */
public record Occurrence(String key, long dueAt) {}
