package io.mailflow.campaigns;

/**
 * Views of one item or category in the current browsing episode (keyed state of {@link TriggerFunction}
 * for browse abandonment). An episode ends when no view follows within the campaign's window.
 *
 * @param count views so far
 * @param first event time of the first view
 * @param last event time of the latest view
 * @param itemId the latest viewed item
 * @param categoryId its category, or null
 * @param price its price, or null
 */
public record ViewTally(int count, long first, long last, String itemId, String categoryId, Double price) {}
