package io.mailflow.campaigns.watch;

/**
 * A view or cart waiting for event time to reach it (keyed state of {@link ItemWatchFunction}, by time).
 *
 * @param userId the viewer
 * @param price the price the event carried, or null
 * @param currency its currency, or null
 */
public record ViewMark(String userId, Double price, String currency) {}
