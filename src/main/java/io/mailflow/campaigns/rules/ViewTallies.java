package io.mailflow.campaigns.rules;

import io.mailflow.campaigns.ViewTally;

/**
 * The user's browsing tallies, by campaign and subject ({@code campaignId|subject}): the trigger
 * operator backs them with keyed state and drops a tally once it expires.
 */
public interface ViewTallies {
    /** The tally under {@code key}, or null. */
    ViewTally get(String key);

    /** Replaces the tally under {@code key}; it may be dropped from event time {@code expiresAt} on. */
    void put(String key, ViewTally tally, long expiresAt);
}
