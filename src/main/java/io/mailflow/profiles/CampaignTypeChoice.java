package io.mailflow.profiles;

/**
 * A user's latest choice about one campaign type, kept by {@link ProfileJoinFunction}: unsubscribed from it, or
 * subscribed again, at {@code at} (event time). The later choice wins, whatever the order of arrival.
 */
public record CampaignTypeChoice(boolean unsubscribed, long at) {}
